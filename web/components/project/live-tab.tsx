"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import { Card, ScrollPre, StatusBadge } from "@/components/ui";
import { duration, tokens, usd } from "@/lib/format";
import { useSession, useTask } from "@/lib/queries";
import type { Envelope, EnvelopeOf, Project } from "@/lib/types";
import type { ProjectStream } from "@/lib/use-project-stream";

/** The running session as the WebSocket streams it: text, folded tool calls, countdowns. */
export function LiveTab({ project, stream }: { project: Project; stream: ProjectStream }) {
  const now = useNow();
  const running = project.running_session;
  const results = new Map<string, EnvelopeOf<"tool_result">>();
  for (const e of stream.events) if (e.type === "tool_result") results.set(e.payload.tool_use_id, e);
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
            {running.worker_id && (
              <span className="text-slate-600 dark:text-slate-300"> on {running.worker_id}</span>
            )}
          </span>
        ) : (
          <span>No session is running.</span>
        )}
        {running && <SessionUsage projectId={project.id} sessionId={running.id} />}
        {stream.countdown && stream.countdown.until > now && (
          <span data-testid="countdown">
            Session {stream.countdown.next_session} starts in{" "}
            {Math.ceil((stream.countdown.until - now) / 1000)} s
          </span>
        )}
      </Card>
      {running?.type === "coding" && project.next_task && (
        <CurrentTask projectId={project.id} taskId={project.next_task.id} />
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
              result={e.type === "tool_use" ? results.get(e.payload.tool_use_id) : undefined}
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
  result: EnvelopeOf<"tool_result"> | undefined;
  projectId: number;
}) {
  switch (e.type) {
    case "assistant_text":
      return (
        <p
          className="rounded-md bg-white p-3 text-sm whitespace-pre-wrap shadow-sm dark:bg-slate-900"
          data-event="assistant_text"
        >
          {String(e.payload.text)}
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
              {shortTool(String(e.payload.name))}
            </span>{" "}
            <span className="text-slate-600 dark:text-slate-300">{preview(e.payload.input)}</span>
            {result ? (result.payload.is_error ? " ✗" : " ✓") : " …"}
          </summary>
          <ScrollPre className="max-h-64 overflow-auto border-t border-slate-200 p-2 text-xs whitespace-pre-wrap dark:border-slate-800">
            {JSON.stringify(e.payload.input, null, 2)}
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
          ▶ Session {String(e.payload.session_number)} started ({String(e.payload.session_type)},{" "}
          {String(e.payload.model)}){" "}
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
          ■ Session ended: {String(e.payload.status)}{" "}
          {e.payload.reason ? `(${String(e.payload.reason)})` : ""}
        </p>
      );
    case "task_updated":
      return (
        <p className="text-xs text-slate-600 dark:text-slate-300">
          Task “{String(e.payload.description)}” is {String(e.payload.status).replace("_", " ")}
        </p>
      );
    case "test_updated":
      return (
        <p className="text-xs text-slate-600 dark:text-slate-300">
          Test “{String(e.payload.description)}”: {String(e.payload.status)}
        </p>
      );
    case "run_stopped":
      return (
        <p className="text-sm font-medium" data-event="run_stopped">
          Run stopped: {String(e.payload.message ?? e.payload.reason)}
        </p>
      );
    case "project_complete":
      return <p className="text-sm font-semibold text-emerald-700 dark:text-emerald-300">Project complete</p>;
    case "auto_continue":
      return (
        <p className="text-xs text-slate-600 dark:text-slate-300">
          Next session in {String(e.payload.delay_s)} s
        </p>
      );
    case "paused":
      return (
        <p className="text-sm text-amber-800 dark:text-amber-200">
          Paused until {String(e.payload.until)}: {String(e.payload.reason)}
        </p>
      );
    case "error":
      return <p className="text-sm text-red-700 dark:text-red-300">Error: {String(e.payload.message)}</p>;
    case "reset":
      return (
        <p className="text-sm font-medium" data-event="reset">
          Reset to right after the plan: {String(e.payload.tasks)} tasks, {String(e.payload.tests)} tests; the
          next session is {String(e.payload.next_session_number)}.
        </p>
      );
    case "review_complete":
      return (
        <p className="text-xs text-slate-600 dark:text-slate-300" data-event="review_complete">
          {String(e.payload.kind)} review:{" "}
          {e.payload.rating === null ? "no rating" : `${String(e.payload.rating)}/10`}
        </p>
      );
    default:
      return <p className="text-xs text-slate-500 dark:text-slate-400">{e.type}</p>;
  }
}

/** The task the session works on, its tests ticking as the session records them. */
function CurrentTask({ projectId, taskId }: { projectId: number; taskId: number }) {
  const { data: task } = useTask(projectId, taskId);
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
 * its events on the project's stream invalidate the session (web/lib/stream-cache.ts), so they
 * are read again as it works, not on a timer.
 */
function SessionUsage({ projectId, sessionId }: { projectId: number; sessionId: number }) {
  const { data: session } = useSession(projectId, sessionId);
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
