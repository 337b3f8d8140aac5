/**
 * A WebSocket to `/api/ws` that reconnects with a capped, jittered backoff (0.5 s → 15 s) and
 * hands every message, parsed, to `onMessage`. `query()` is asked again before each connection
 * (a project stream reconnects `since=` the highest seq it has seen). Close codes 4400 and 4404
 * (a bad query, an unknown project) end it: trying again would not help.
 */
import { wsProtocols, wsUrl } from "./api";
import type { Envelope } from "./types";

const MAX_BACKOFF_MS = 15_000;

export function openReconnectingSocket(options: {
  query: () => Record<string, string | number | undefined>;
  onMessage: (message: Envelope, reconnected: boolean) => void;
  onStatus?: (connected: boolean) => void;
}): () => void {
  let socket: WebSocket | null = null;
  let closed = false;
  let attempt = 0;
  let connections = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const retry = () => {
    if (closed) return;
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt) * (0.75 + Math.random() / 2);
    attempt += 1;
    timer = setTimeout(connect, delay);
  };
  const connect = () => {
    try {
      socket = new WebSocket(wsUrl(options.query()), wsProtocols());
    } catch {
      return retry();
    }
    const reconnected = connections++ > 0;
    socket.onopen = () => {
      attempt = 0;
      options.onStatus?.(true);
    };
    socket.onmessage = (m) => options.onMessage(JSON.parse(String(m.data)) as Envelope, reconnected);
    socket.onclose = (event) => {
      options.onStatus?.(false);
      if (event.code === 4404 || event.code === 4400) return;
      retry();
    };
  };
  connect();
  return () => {
    closed = true;
    clearTimeout(timer);
    if (socket) {
      socket.onclose = null;
      socket.close();
    }
  };
}
