/**
 * `GET /api/ws?project=ID[&since=SEQ]` (one project's live events) and `GET /api/ws` (the project
 * list). Authentication happens before the upgrade (the auth hook answers 401; browsers pass
 * the token as a subprotocol, see auth.ts). Problems after it are an `error` envelope and a close with 4000 + the HTTP status
 * (4400 a bad query, 4404 an unknown project): browsers see close codes, not upgrade statuses.
 * See docs/api.md ("WebSocket").
 */
import websocket from "@fastify/websocket";
import type { WebSocket } from "ws";
import { z } from "zod";
import { fail } from "../../errors.ts";
import type { Routes } from "../app.ts";
import { WS_PROTOCOL } from "../auth.ts";
import { toApiError } from "../errors.ts";
import { envelope } from "../ws/envelope.ts";
import { WsHub } from "../ws/hub.ts";
import { openGlobalStream, openProjectStream } from "../ws/streams.ts";

/** Clients send nothing but control frames; anything larger than this is refused (1009). */
const MAX_CLIENT_MESSAGE_BYTES = 4096;
/** WebSocket close reasons are at most 123 bytes. */
const MAX_CLOSE_REASON = 123;

const WsQuery = z.object({
  project: z.string().trim().min(1, "project is a project id or name").optional(),
  since: z
    .string()
    .regex(/^\d{1,15}$/, "since is the seq of the last message received: a whole number ≥ 0")
    .transform(Number)
    .optional(),
});

/**
 * Browsers send `Origin` with a WebSocket and CORS does not apply to it: without this check any
 * web page could read a local server's events. The server's own pages and `server.cors_origins`
 * may connect; clients that send no Origin (not browsers) may too.
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === undefined || allowed.includes("*") || allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** An upgrade request, as Node's HTTP server tells them apart (it hands those over as raw sockets). */
function isUpgrade(headers: { connection?: string; upgrade?: string }): boolean {
  return headers.upgrade !== undefined && /\bupgrade\b/i.test(headers.connection ?? "");
}

/** Sends the error as an envelope, then closes with 4000 + its HTTP status (1011 for a server error). */
function refuse(socket: WebSocket, error: unknown, projectId: number | null): void {
  const { status, body } = toApiError(error);
  if (socket.readyState !== socket.OPEN) return;
  socket.send(JSON.stringify(envelope("error", { project_id: projectId, seq: 0 }, body)));
  const code = status >= 500 ? 1011 : 4000 + status;
  socket.close(code, closeReason(body.message));
}

/** The text cut to what a close frame holds, on a character boundary. */
function closeReason(text: string): string {
  let reason = text;
  while (Buffer.byteLength(reason) > MAX_CLOSE_REASON) reason = reason.slice(0, -1);
  return reason;
}

export const wsRoutes: Routes = (app, deps) => {
  // An upgrade answered with plain HTTP (401 from the auth hook, 404, …) cannot go on: end the
  // connection, which Node's HTTP server otherwise leaves open once it has handed it over.
  app.addHook("onResponse", async (request) => {
    if (isUpgrade(request.headers)) {
      const socket = request.raw.socket;
      socket.end(() => socket.destroy());
    }
  });
  // Events are the hub's only input: routes change rows, the stores record and publish events.
  const hub = new WsHub({ stores: deps.stores, bus: deps.bus, log: app.log });
  app.register(async (scope) => {
    await scope.register(websocket, {
      options: {
        maxPayload: MAX_CLIENT_MESSAGE_BYTES,
        // A browser that offered subprotocols (the token rides as one) needs one chosen.
        handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
      },
    });
    hub.start();
    scope.addHook("onClose", async () => hub.stop());
    scope.addHook("onRequest", async (request) => {
      if (!originAllowed(request.headers.origin, request.headers.host, deps.config.server.cors_origins)) {
        throw fail("BATON_FORBIDDEN", {
          reason: `pages from ${request.headers.origin} may not open Baton's WebSocket; add that origin to server.cors_origins`,
        });
      }
    });

    scope.get("/api/ws", { websocket: true }, async (socket, request) => {
      const parsed = WsQuery.safeParse(request.query);
      if (!parsed.success) {
        const message = parsed.error.issues
          .map((i) => `${i.path.join(".") || "query"}: ${i.message}`)
          .join("; ");
        return refuse(socket, fail("BATON_VALIDATION", { reason: message }), null);
      }
      const { project: wanted, since } = parsed.data;
      let projectId: number | null = null;
      try {
        if (wanted !== undefined) projectId = (await deps.stores.projects.find(wanted)).id;
        if (since !== undefined) {
          if (projectId === null) {
            throw fail("BATON_VALIDATION", {
              field: "since",
              reason: "since needs project: the global stream starts from a snapshot",
            });
          }
          const newest = await deps.stores.sessions.lastEventId();
          if (since > newest) {
            throw fail("BATON_VALIDATION", {
              field: "since",
              reason: `since=${since} is ahead of the newest event (${newest}); reconnect without since`,
            });
          }
        }
      } catch (error) {
        return refuse(socket, error, projectId);
      }
      if (socket.readyState !== socket.OPEN) return; // gone while we looked
      // Added before anything is read, so every live event from now on is held for this socket.
      const client = hub.add(socket, projectId);
      try {
        if (projectId === null) await openGlobalStream({ stores: deps.stores, hub }, client);
        else await openProjectStream({ stores: deps.stores, hub }, client, projectId, since ?? null);
      } catch (error) {
        hub.remove(client);
        if (toApiError(error).status >= 500) request.log.error({ err: error }, "ws stream failed");
        refuse(socket, error, projectId);
      }
    });
  });
};
