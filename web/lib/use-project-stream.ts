"use client";
/**
 * The project's WebSocket (`/api/ws?project=ID`): the snapshot, then live envelopes, each applied
 * to the query cache (web/lib/stream-cache.ts) so every view of the project follows it. Kept
 * here: the activity the Live tab shows and the countdown between sessions. Reconnects `since=`
 * the highest seq seen, so nothing is missed across a drop.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { openReconnectingSocket } from "./reconnecting-socket";
import { applyProjectMessage } from "./stream-cache";
import type { Envelope } from "./types";

const MAX_EVENTS = 1000;

export interface ProjectStream {
  connected: boolean;
  /** The session activity, oldest first (at most MAX_EVENTS). */
  events: Envelope[];
  /** When the next session starts, while a countdown runs. */
  countdown: { next_session: number; until: number } | null;
}

export function useProjectStream(projectId: number | null): ProjectStream {
  const queries = useQueryClient();
  const [state, setState] = useState<ProjectStream>({ connected: false, events: [], countdown: null });
  const since = useRef<number | null>(null);

  useEffect(() => {
    if (projectId === null) return;
    return openReconnectingSocket({
      query: () => ({ project: projectId, since: since.current ?? undefined }),
      onStatus: (connected) => setState((s) => ({ ...s, connected })),
      onMessage: (envelope) => {
        since.current = Math.max(since.current ?? 0, envelope.seq);
        applyProjectMessage(queries, projectId, envelope);
        setState((s) => apply(s, envelope));
      },
    });
  }, [projectId, queries]);

  return state;
}

/** Messages that describe the project rather than its activity: shown where the project is. */
const NOT_ACTIVITY = new Set<Envelope["type"]>(["project_updated", "progress"]);

function apply(s: ProjectStream, e: Envelope): ProjectStream {
  if (e.type === "snapshot") {
    const events = e.payload.scope === "project" ? (e.payload.events as Envelope[]) : [];
    return { ...s, events: [...s.events, ...events].slice(-MAX_EVENTS) };
  }
  if (NOT_ACTIVITY.has(e.type)) return s;
  // After a reset, what the stream showed of the removed sessions is gone from the project too.
  const next: ProjectStream = {
    ...s,
    events: [...(e.type === "reset" ? [] : s.events), e].slice(-MAX_EVENTS),
  };
  if (e.type === "reset" || e.type === "session_started") next.countdown = null;
  if (e.type === "auto_continue")
    next.countdown = { next_session: e.payload.next_session, until: Date.now() + e.payload.delay_s * 1000 };
  return next;
}
