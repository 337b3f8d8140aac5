"use client";
/**
 * The global WebSocket (`/api/ws`: every project's view, session starts and ends, analyses),
 * opened once for the whole app: each message is applied to the query cache
 * (web/lib/stream-cache.ts), then handed to the pages that listen (`useGlobalMessages`, e.g. to
 * show a toast). After a reconnect, whatever the stream could not tell meanwhile is read again.
 */
import { useQueryClient } from "@tanstack/react-query";
import { usePathname } from "next/navigation";
import { createContext, type ReactNode, useContext, useEffect, useRef } from "react";
import { openReconnectingSocket } from "./reconnecting-socket";
import { applyGlobalMessage } from "./stream-cache";
import type { Envelope } from "./types";

type Listener = (message: Envelope) => void;
const ListenersContext = createContext<Set<Listener>>(new Set());

export function GlobalStream({ children }: { children: ReactNode }) {
  const queries = useQueryClient();
  const listeners = useRef(new Set<Listener>());
  // The login page has no token yet: the stream opens once the user is in.
  const loggedOut = usePathname().startsWith("/login");
  useEffect(() => {
    if (loggedOut) return;
    return openReconnectingSocket({
      query: () => ({}),
      onMessage: (message, reconnected) => {
        applyGlobalMessage(queries, message);
        if (message.type === "snapshot") {
          if (reconnected) void queries.invalidateQueries();
          return;
        }
        for (const listener of listeners.current) listener(message);
      },
    });
  }, [queries, loggedOut]);
  return <ListenersContext.Provider value={listeners.current}>{children}</ListenersContext.Provider>;
}

/** Calls `onMessage` with every message of the global stream but the snapshot. */
export function useGlobalMessages(onMessage: Listener): void {
  const listeners = useContext(ListenersContext);
  const latest = useRef(onMessage);
  latest.current = onMessage;
  useEffect(() => {
    const listener: Listener = (m) => latest.current(m);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, [listeners]);
}
