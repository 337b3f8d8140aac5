"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import { Card, ScrollPre } from "@/components/ui";
import { duration } from "@/lib/format";
import type { Envelope, Project } from "@/lib/types";
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
        {project.next_task && <span className="truncate">Task: {project.next_task.description}</span>}
        {stream.countdown && stream.countdown.until > now && (
          <span data-testid="countdown">
            Session {stream.countdown.next_session} starts in{" "}
            {Math.ceil((stream.countdown.until - now) / 1000)} s
          </span>
        )}
      </Card>
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
    default:
      return <p className="text-xs text-slate-500 dark:text-slate-400">{e.type}</p>;
  }
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
