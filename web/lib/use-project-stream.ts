"use client";
/**
 * The project's WebSocket (`/api/ws?project=ID`): the snapshot, then live envelopes. Reconnects
 * with a capped backoff and `since=` the highest seq seen, so nothing is missed across a drop.
 */
import { useEffect, useRef, useState } from "react";
import { wsProtocols, wsUrl } from "./api";
import type { Envelope, Progress, Project } from "./types";

const MAX_EVENTS = 1000;
const MAX_BACKOFF_MS = 15_000;

export interface ProjectStream {
  connected: boolean;
  events: Envelope[];
  /** The project as the stream last described it (snapshot), null before the first one. */
  project: Project | null;
  progress: Progress | null;
  /** Seconds left before the next session starts, when a countdown runs. */
  countdown: { next_session: number; until: number } | null;
  /** Bumped whenever the plan or the sessions changed: pages refetch what they show. */
  changes: number;
}

export function useProjectStream(projectId: number | null): ProjectStream {
  const [state, setState] = useState<ProjectStream>({
    connected: false,
    events: [],
    project: null,
    progress: null,
    countdown: null,
    changes: 0,
  });
  const since = useRef<number | null>(null);

  useEffect(() => {
    if (projectId === null) return;
    let socket: WebSocket | null = null;
    let closed = false;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const connect = () => {
      socket = new WebSocket(wsUrl({ project: projectId, since: since.current ?? undefined }), wsProtocols());
      socket.onopen = () => {
        attempt = 0;
        setState((s) => ({ ...s, connected: true }));
      };
      socket.onmessage = (message) => {
        const envelope = JSON.parse(String(message.data)) as Envelope;
        since.current = Math.max(since.current ?? 0, envelope.seq);
        setState((s) => apply(s, envelope));
      };
      socket.onclose = (event) => {
        setState((s) => ({ ...s, connected: false }));
        if (closed || event.code === 4404 || event.code === 4400) return;
        const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt) * (0.75 + Math.random() / 2);
        attempt += 1;
        timer = setTimeout(connect, delay);
      };
    };
    connect();
    return () => {
      closed = true;
      clearTimeout(timer);
      socket?.close();
    };
  }, [projectId]);

  return state;
}

const CHANGES = new Set([
  "project_updated",
  "session_started",
  "session_ended",
  "task_updated",
  "test_updated",
  "run_stopped",
  "project_complete",
  "reset",
  "paused",
  "resumed",
  "review_complete",
]);

function apply(s: ProjectStream, e: Envelope): ProjectStream {
  if (e.type === "snapshot") {
    const payload = e.payload as { project: Project; events?: Envelope[] };
    const events = [...s.events, ...(payload.events ?? [])].slice(-MAX_EVENTS);
    return {
      ...s,
      project: payload.project,
      progress: payload.project.progress,
      events,
      changes: s.changes + 1,
    };
  }
  // After a reset, what the stream showed of the removed sessions is gone from the project too.
  const kept = e.type === "reset" ? [] : s.events;
  // The project's new state is shown where the project is, not as an entry of the activity.
  const next: ProjectStream = {
    ...s,
    events: e.type === "project_updated" ? s.events : [...kept, e].slice(-MAX_EVENTS),
  };
  if (e.type === "reset") next.countdown = null;
  if (e.type === "progress") next.progress = e.payload as unknown as Progress;
  if (e.type === "project_updated") {
    next.project = e.payload as unknown as Project;
    next.progress = next.project.progress;
  }
  if (e.type === "auto_continue") {
    const { delay_s, next_session } = e.payload as { delay_s: number; next_session: number };
    next.countdown = { next_session, until: Date.now() + delay_s * 1000 };
  }
  if (e.type === "session_started") next.countdown = null;
  if (CHANGES.has(e.type)) next.changes = s.changes + 1;
  return next;
}
