/**
 * A real WebSocket client of the API (the `ws` package) that records every envelope, each checked
 * against the envelope catalog; its sockets are closed after each test.
 */
import { afterEach } from "vitest";
import WebSocket from "ws";
import { type Envelope, EnvelopeSchema } from "../../src/server/ws/envelope.ts";
import type { TestServer } from "./server.ts";

const sockets: WebSocket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.terminate();
});

/** Keeps a socket made elsewhere to be closed after the test. */
export function track(ws: WebSocket): WebSocket {
  sockets.push(ws);
  return ws;
}

/** Makes the test server listen on a free loopback port; the WebSocket URL (`ws://…/api/ws`). */
export async function listenWs(server: TestServer): Promise<string> {
  await server.app.listen({ port: 0, host: "127.0.0.1" });
  const address = server.app.server.address();
  if (address === null || typeof address === "string") throw new Error("not listening");
  return `ws://127.0.0.1:${address.port}/api/ws`;
}

export interface WsClient {
  ws: WebSocket;
  messages: Envelope[];
  /** Resolves with the first `n` messages once that many arrived. */
  first(n: number): Promise<Envelope[]>;
  /** Resolves once a message matches (the first that does). */
  until(match: (m: Envelope) => boolean, timeoutMs?: number): Promise<Envelope>;
  closed: Promise<{ code: number; reason: string }>;
}

/** The subprotocols a browser offers to carry its login token (web/lib/api.ts wsProtocols). */
export function tokenProtocols(token: string): string[] {
  return ["baton", `baton.token.${token}`];
}

/** A client as browsers connect: `protocols` are the subprotocols offered (the token rides as one). */
export function connect(
  url: string,
  headers: Record<string, string> = {},
  protocols: string[] = [],
): WsClient {
  const ws = track(new WebSocket(url, protocols, { headers }));
  const messages: Envelope[] = [];
  const waiters = new Set<() => void>();
  ws.on("message", (data) => {
    messages.push(EnvelopeSchema.parse(JSON.parse(String(data))) as unknown as Envelope);
    for (const w of waiters) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on("close", (code, reason) => resolve({ code, reason: String(reason) })),
  );
  const wait = (done: () => boolean, timeoutMs = 20_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out; got ${messages.map((m) => m.type).join(", ")}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return {
    ws,
    messages,
    first: async (n) => {
      await wait(() => messages.length >= n);
      return messages.slice(0, n);
    },
    until: async (match, timeoutMs) => {
      await wait(() => messages.some(match), timeoutMs);
      return messages.find(match) as Envelope;
    },
    closed,
  };
}
