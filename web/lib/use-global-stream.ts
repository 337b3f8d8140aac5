"use client";
import { useEffect, useRef } from "react";
import { wsProtocols, wsUrl } from "@/lib/api";
import type { Envelope } from "@/lib/types";

/**
 * Listens to the global WebSocket stream (`/api/ws`: project summaries, session starts and ends,
 * `analysis_complete`) and hands every message but the snapshot to `onMessage`. Reconnects with
 * a capped, jittered backoff (0.5 s → 15 s); `onReconnect` runs after a reconnect, since
 * whatever happened meanwhile was missed (the global stream has no replay).
 */
export function useGlobalStream(onMessage: (message: Envelope) => void, onReconnect?: () => void): void {
  const handlers = useRef({ onMessage, onReconnect });
  handlers.current = { onMessage, onReconnect };
  useEffect(() => {
    let socket: WebSocket | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;
    const open = () => {
      try {
        socket = new WebSocket(wsUrl({}), wsProtocols());
      } catch {
        return retry();
      }
      socket.onmessage = (m) => {
        const message = JSON.parse(String(m.data)) as Envelope;
        if (message.type === "snapshot") {
          if (attempt > 0) handlers.current.onReconnect?.();
          attempt = 0;
          return;
        }
        handlers.current.onMessage(message);
      };
      socket.onclose = () => retry();
    };
    const retry = () => {
      if (stopped) return;
      const delay = Math.min(15_000, 500 * 2 ** attempt) * (0.75 + Math.random() / 2);
      attempt++;
      timer = setTimeout(open, delay);
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(timer);
      if (socket) {
        socket.onclose = null;
        socket.close();
      }
    };
  }, []);
}
