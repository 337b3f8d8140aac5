import type http from "node:http";
import { errorBody, errorHeaders } from "./api-errors.ts";
import type { Message } from "./message.ts";
import type { ErrorReply } from "./reply.ts";
import { formatEvent, messageEvents } from "./stream-events.ts";

/** Writing answers the way the Anthropic API does; each returns the HTTP status it sent. */

export function sendJson(res: http.ServerResponse, status: number, json: unknown, requestId: string): number {
  res.writeHead(status, { "content-type": "application/json", "request-id": requestId });
  res.end(JSON.stringify(json));
  return status;
}

/** An error answer: Anthropic's error JSON, plus `retry-after` / `x-should-retry` when the reply sets them. */
export function sendError(res: http.ServerResponse, reply: ErrorReply, requestId: string): number {
  res.writeHead(reply.status, {
    "content-type": "application/json",
    "request-id": requestId,
    ...errorHeaders(reply),
  });
  res.end(JSON.stringify(errorBody(reply, requestId)));
  return reply.status;
}

/** A message as server-sent events (`stream: true`). */
export function sendStream(res: http.ServerResponse, message: Message, requestId: string): number {
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
    "request-id": requestId,
  });
  for (const event of messageEvents(message)) res.write(formatEvent(event));
  res.end();
  return 200;
}
