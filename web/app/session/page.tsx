"use client";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import { SessionQualityCard } from "@/components/session-quality";
import { useToast } from "@/components/toasts";
import { inputClass, ScrollPre, StatusBadge, secondaryButton } from "@/components/ui";
import { download } from "@/lib/api";
import { duration, tokens, usd } from "@/lib/format";
import { useSession, useSessionLogs } from "@/lib/queries";
import type { SessionLogView as Logs } from "@/lib/types";
import { useProjectStream } from "@/lib/use-project-stream";

export default function SessionPage() {
  return (
    <Suspense fallback={<p>Loading…</p>}>
      <SessionFromQuery />
    </Suspense>
  );
}

function SessionFromQuery() {
  const params = useSearchParams();
  const project = Number(params.get("project"));
  const id = Number(params.get("id"));
  if (!(project > 0) || !(id > 0))
    return <p role="alert">No session given: open one from a project's Sessions tab.</p>;
  return <SessionLogs projectId={project} sessionId={id} />;
}

type View = "human" | "events" | "errors";
type EventLogs = Extract<Logs, { view: "events" }>;

function SessionLogs({ projectId, sessionId }: { projectId: number; sessionId: number }) {
  const toast = useToast();
  const [view, setView] = useState<View>("human");
  const [typeFilter, setTypeFilter] = useState("");
  const [search, setSearch] = useState("");
  const base = `/api/projects/${projectId}/sessions/${sessionId}`;

  // Live while the session runs: its events on the project's WebSocket invalidate the session
  // and its logs (web/lib/stream-cache.ts), which are read again; nothing polls.
  useProjectStream(projectId);
  const { data: session } = useSession(projectId, sessionId);
  const { data: logs } = useSessionLogs(projectId, sessionId, view);

  const save = (format: "txt" | "jsonl") =>
    download(
      `${base}/logs/download?format=${format}`,
      `session-${session?.number ?? sessionId}.${format}`,
    ).catch((e: Error) => toast("error", e.message));

  return (
    <section className="flex flex-col gap-4">
      <p className="text-sm">
        <Link href={`/project?id=${projectId}`} className="underline">
          ← Project
        </Link>
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold">
          {session?.type === "review" ? "Review" : "Session"} {session?.number ?? ""}
        </h1>
        {session && <StatusBadge status={session.status} />}
        {session && (
          <span className="text-sm text-slate-600 dark:text-slate-300">
            {session.type} · {session.model} · {duration(session.duration_ms)} ·{" "}
            {tokens(session.metrics.input_tokens)} in / {tokens(session.metrics.output_tokens)} out ·{" "}
            {usd(session.metrics.cost_usd)}
            {session.worker_id && ` · run by ${session.worker_id}`}
          </span>
        )}
        <span className="flex-1" />
        <button type="button" className={secondaryButton} onClick={() => save("txt")}>
          Download TXT
        </button>
        <button type="button" className={secondaryButton} onClick={() => save("jsonl")}>
          Download JSONL
        </button>
      </div>
      {session?.type === "coding" && session.status !== "running" && (
        <SessionQualityCard projectId={projectId} sessionId={sessionId} />
      )}
      <div
        role="tablist"
        aria-label="Log views"
        className="flex gap-1 border-b border-slate-200 dark:border-slate-800"
      >
        {(["human", "events", "errors"] as const).map((v) => (
          <button
            key={v}
            type="button"
            role="tab"
            aria-selected={view === v}
            aria-controls="log-panel"
            onClick={() => setView(v)}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium capitalize ${view === v ? "border-sky-600 text-sky-800 dark:text-sky-300" : "border-transparent text-slate-600 dark:text-slate-300"}`}
          >
            {v}
          </button>
        ))}
      </div>
      <div id="log-panel" role="tabpanel" aria-label={`${view} log`}>
        {!logs ? (
          <p aria-busy="true">Loading logs…</p>
        ) : logs.view === "human" ? (
          <ScrollPre
            testId="human-log"
            className="max-h-[70vh] overflow-auto rounded-md bg-slate-900 p-3 text-xs whitespace-pre-wrap text-slate-100"
          >
            {logs.lines.map((l) => l.text).join("\n") || "(empty)"}
          </ScrollPre>
        ) : logs.view === "events" ? (
          <EventsView
            logs={logs}
            typeFilter={typeFilter}
            setTypeFilter={setTypeFilter}
            search={search}
            setSearch={setSearch}
          />
        ) : logs.errors.length === 0 ? (
          <p className="text-sm">No errors in this session.</p>
        ) : (
          <ul className="flex flex-col gap-2">
            {logs.errors.map((e) => (
              <li
                key={`${e.seq}-${e.kind}`}
                className="rounded-md border-l-4 border-red-600 bg-white p-2 text-sm dark:bg-slate-900"
              >
                <strong>{e.kind}</strong>: {e.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}

function EventsView(props: {
  logs: EventLogs;
  typeFilter: string;
  setTypeFilter: (v: string) => void;
  search: string;
  setSearch: (v: string) => void;
}) {
  const { logs, typeFilter, search } = props;
  const types = [...new Set(logs.events.map((e) => e.type))].sort();
  const q = search.toLowerCase();
  const shown = logs.events.filter(
    (e) =>
      (!typeFilter || e.type === typeFilter) && (!q || JSON.stringify(e.payload).toLowerCase().includes(q)),
  );
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap gap-2">
        <label className="text-sm">
          <span className="block">Type</span>
          <select
            value={typeFilter}
            onChange={(e) => props.setTypeFilter(e.target.value)}
            className={inputClass}
          >
            <option value="">all ({logs.events.length})</option>
            {types.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          <span className="block">Search</span>
          <input
            type="search"
            value={search}
            onChange={(e) => props.setSearch(e.target.value)}
            className={inputClass}
          />
        </label>
      </div>
      <ol className="flex flex-col gap-1 font-mono text-xs" data-testid="event-log">
        {shown.map((e) => (
          <li key={e.id} className="rounded bg-white p-2 dark:bg-slate-900">
            <details>
              <summary className="cursor-pointer">
                <span className="text-slate-500 dark:text-slate-400">#{e.seq}</span> <strong>{e.type}</strong>{" "}
                <span className="text-slate-600 dark:text-slate-300">
                  {new Date(e.ts).toLocaleTimeString()}
                </span>
              </summary>
              <pre className="mt-1 overflow-auto whitespace-pre-wrap">
                {JSON.stringify(e.payload, null, 2)}
              </pre>
            </details>
          </li>
        ))}
      </ol>
    </div>
  );
}
