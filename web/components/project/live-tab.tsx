"use client";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { Card, ScrollPre, StatusBadge } from "@/components/ui";
import { api } from "@/lib/api";
import { duration, tokens, usd } from "@/lib/format";
import type { Envelope, Project, Session, TaskDetail } from "@/lib/types";
import type { ProjectStream } from "@/lib/use-project-stream";

/** The running session as the WebSocket streams it: text, folded tool calls, countdowns. */
export function LiveTab({ project, stream }: { project: Project; stream: ProjectStream }) {
  const now = useNow();
  const running = project.running_session;
  const results = new Map<string, Envelope>();
  for (const e of stream.events) if (e.type === "tool_result") results.set(String(e.payload.tool_use_id), e);
  const shown = stream.events
    .filter((e) => e.type !== "tool_result" && e.type !== "progress" && e.type !== "snapshot")
    .slice(-200);

  return (
    <div className="flex flex-col gap-3 pt-3">
      <Card className="flex flex-wrap items-center gap-x-6 gap-y-1 text-sm">
        <span>
          <span
            className={`mr-1 inline-block h-2 w-2 rounded-full ${stream.connected ? "bg-emerald-500" : "bg-slate-400"}`}
            aria-hidden="true"
          />
          {stream.connected ? "connected" : "reconnecting…"}
        </span>
        {running ? (
          <span>
            Session {running.number} ({running.type}, {running.model}) running for{" "}
            {running.started_at ? duration(now - Date.parse(running.started_at)) : "—"}
          </span>
        ) : (
          <span>No session is running.</span>
        )}
        {running && (
          <SessionUsage projectId={project.id} sessionId={running.id} events={stream.events.length} />
        )}
        {stream.countdown && stream.countdown.until > now && (
          <span data-testid="countdown">
            Session {stream.countdown.next_session} starts in{" "}
            {Math.ceil((stream.countdown.until - now) / 1000)} s
          </span>
        )}
      </Card>
      {running?.type === "coding" && project.next_task && (
        <CurrentTask projectId={project.id} taskId={project.next_task.id} changes={stream.changes} />
      )}
      <ol
        aria-label="Live events"
        aria-live="polite"
        className="flex flex-col gap-2"
        data-testid="live-events"
      >
        {shown.length === 0 && (
          <li className="text-sm text-slate-600 dark:text-slate-300">
            Nothing yet: events appear here as a session works.
          </li>
        )}
        {shown.map((e, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: several messages can share a seq and a type; the list only grows at the end
          <li key={`${e.seq}-${e.type}-${i}`}>
            <EventLine
              event={e}
              result={e.type === "tool_use" ? results.get(String(e.payload.tool_use_id)) : undefined}
              projectId={project.id}
            />
          </li>
        ))}
      </ol>
    </div>
  );
}

function EventLine({
  event: e,
  result,
  projectId,
}: {
  event: Envelope;
  result: Envelope | undefined;
  projectId: number;
}) {
  const p = e.payload;
  switch (e.type) {
    case "assistant_text":
      return (
        <p
          className="rounded-md bg-white p-3 text-sm whitespace-pre-wrap shadow-sm dark:bg-slate-900"
          data-event="assistant_text"
        >
          {String(p.text)}
        </p>
      );
    case "tool_use":
      return (
        <details
          className="rounded-md border border-slate-200 bg-white text-sm dark:border-slate-800 dark:bg-slate-900"
          data-event="tool_use"
        >
          <summary className="cursor-pointer p-2 font-mono text-xs">
            <span
              className={
                result?.payload.is_error ? "text-red-700 dark:text-red-300" : "text-sky-800 dark:text-sky-300"
              }
            >
              {shortTool(String(p.name))}
            </span>{" "}
            <span className="text-slate-600 dark:text-slate-300">{preview(p.input)}</span>
            {result ? (result.payload.is_error ? " ✗" : " ✓") : " …"}
          </summary>
          <ScrollPre className="max-h-64 overflow-auto border-t border-slate-200 p-2 text-xs whitespace-pre-wrap dark:border-slate-800">
            {JSON.stringify(p.input, null, 2)}
          </ScrollPre>
          {result && (
            <ScrollPre className="max-h-64 overflow-auto border-t border-slate-200 p-2 text-xs whitespace-pre-wrap dark:border-slate-800">
              {String(result.payload.content)}
            </ScrollPre>
          )}
        </details>
      );
    case "session_started":
      return (
        <p
          className="text-xs font-semibold text-slate-600 uppercase dark:text-slate-300"
          data-event="session_started"
        >
          ▶ Session {String(p.session_number)} started ({String(p.session_type)}, {String(p.model)}){" "}
          {e.session_id && (
            <Link className="underline" href={`/session?project=${projectId}&id=${e.session_id}`}>
              logs
            </Link>
          )}
        </p>
      );
    case "session_ended":
      return (
        <p
          className="text-xs font-semibold text-slate-600 uppercase dark:text-slate-300"
          data-event="session_ended"
        >
          ■ Session ended: {String(p.status)} {p.reason ? `(${String(p.reason)})` : ""}
        </p>
      );
    case "task_updated":
      return (
        <p className="text-xs text-slate-600 dark:text-slate-300">
          Task “{String(p.description)}” is {String(p.status).replace("_", " ")}
        </p>
      );
    case "test_updated":
      return (
        <p className="text-xs text-slate-600 dark:text-slate-300">
          Test “{String(p.description)}”: {String(p.status)}
        </p>
      );
    case "run_stopped":
      return (
        <p className="text-sm font-medium" data-event="run_stopped">
          Run stopped: {String(p.message ?? p.reason)}
        </p>
      );
    case "project_complete":
      return <p className="text-sm font-semibold text-emerald-700 dark:text-emerald-300">Project complete</p>;
    case "auto_continue":
      return (
        <p className="text-xs text-slate-600 dark:text-slate-300">Next session in {String(p.delay_s)} s</p>
      );
    case "paused":
      return (
        <p className="text-sm text-amber-800 dark:text-amber-200">
          Paused until {String(p.until)}: {String(p.reason)}
        </p>
      );
    case "error":
      return <p className="text-sm text-red-700 dark:text-red-300">Error: {String(p.message)}</p>;
    case "reset":
      return (
        <p className="text-sm font-medium" data-event="reset">
          Reset to right after the plan: {String(p.tasks)} tasks, {String(p.tests)} tests; the next session is{" "}
          {String(p.next_session_number)}.
        </p>
      );
    case "review_complete":
      return (
        <p className="text-xs text-slate-600 dark:text-slate-300" data-event="review_complete">
          {String(p.kind)} review: {p.rating === null ? "no rating" : `${String(p.rating)}/10`}
        </p>
      );
    default:
      return <p className="text-xs text-slate-500 dark:text-slate-400">{e.type}</p>;
  }
}

/** The task the session works on, its tests ticking as the session records them. */
function CurrentTask({ projectId, taskId, changes }: { projectId: number; taskId: number; changes: number }) {
  const [task, setTask] = useState<TaskDetail | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `changes` is the refetch trigger
  useEffect(() => {
    api<TaskDetail>(`/api/projects/${projectId}/tasks/${taskId}`)
      .then(setTask)
      .catch(() => {});
  }, [projectId, taskId, changes]);
  if (!task) return null;
  const passing = task.tests.filter((t) => t.status === "passing").length;
  return (
    <Card className="text-sm" testId="current-task">
      <h2 className="flex flex-wrap items-center gap-2 font-semibold">
        <span className="mr-auto">Current task: {task.description}</span>
        <span className="text-xs font-normal text-slate-600 dark:text-slate-300">
          {passing}/{task.tests.length} tests passing
        </span>
        <StatusBadge status={task.status} />
      </h2>
      <ul className="mt-2 flex flex-col gap-1">
        {task.tests.map((t) => (
          <li key={t.id} className="flex items-center gap-2">
            <StatusBadge status={t.status} />
            <span>{t.description}</span>
          </li>
        ))}
      </ul>
    </Card>
  );
}

/**
 * Tokens and cost so far. The session's counters are written every half second while it runs;
 * they are read again when the stream brings new events (at most every 2 s), not on a timer.
 */
function SessionUsage({
  projectId,
  sessionId,
  events,
}: {
  projectId: number;
  sessionId: number;
  events: number;
}) {
  const [session, setSession] = useState<Session | null>(null);
  const last = useRef(0);
  useEffect(() => {
    const read = () => {
      last.current = Date.now();
      api<Session>(`/api/projects/${projectId}/sessions/${sessionId}`)
        .then(setSession)
        .catch(() => {});
    };
    const wait = last.current + 2000 - Date.now();
    if (events >= 0 && wait <= 0) read();
    else {
      const timer = setTimeout(read, wait);
      return () => clearTimeout(timer);
    }
  }, [projectId, sessionId, events]);
  if (!session) return null;
  const m = session.metrics;
  return (
    <span data-testid="session-usage">
      {tokens(m.input_tokens)} in / {tokens(m.output_tokens)} out / {tokens(m.cache_read_tokens)} cached ·{" "}
      {usd(m.cost_usd)} · {m.tool_calls} tool calls
    </span>
  );
}

function shortTool(name: string): string {
  return name.replace(/^mcp__tasks__/, "tasks.").replace(/^mcp__/, "");
}

function preview(input: unknown): string {
  if (input && typeof input === "object") {
    const o = input as Record<string, unknown>;
    const v = o.command ?? o.file_path ?? o.path ?? o.description ?? o.url ?? Object.values(o)[0];
    return String(v ?? "").slice(0, 120);
  }
  return String(input ?? "").slice(0, 120);
}

function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return now;
}
