"use client";
import dynamic from "next/dynamic";
import { useLayoutEffect, useMemo, useRef, useState } from "react";
import { inputClass, StatusBadge } from "@/components/ui";
import { useEpics, useTasks } from "@/lib/queries";
import type { TaskSummary } from "@/lib/types";

/** Opened on a click: its code is loaded then. */
const TaskDrawer = dynamic(() => import("./task-drawer").then((m) => m.TaskDrawer));

const FILTERS = {
  all: () => true,
  pending: (t: TaskSummary) => t.status !== "done",
  failing: (t: TaskSummary) => t.tests.failing > 0,
  done: (t: TaskSummary) => t.status === "done",
} as const;
type Filter = keyof typeof FILTERS;

/** Performance marks the plan benchmark reads (bench/web.ts): data in hand → plan on screen. */
export const PLAN_MARKS = { data: "baton:plan-data", render: "baton:plan-render" } as const;

/** Epics → tasks; a task opens in a drawer with its action, tests, steps and evidence. */
export function PlanTab({ projectId }: { projectId: number }) {
  const epicsQuery = useEpics(projectId);
  const tasksQuery = useTasks(projectId);
  // Shown once both are in: epics without their tasks would flash "no tasks yet".
  const ready = epicsQuery.data !== undefined && tasksQuery.data !== undefined;
  const epics = ready ? epicsQuery.data : null;
  const tasks = useMemo(() => tasksQuery.data ?? [], [tasksQuery.data]);
  const [filter, setFilter] = useState<Filter>("all");
  const [search, setSearch] = useState("");
  const [openTask, setOpenTask] = useState<number | null>(null);

  const marked = useRef(false);
  if (ready && !marked.current) {
    marked.current = true;
    performance.mark(PLAN_MARKS.data);
  }
  useLayoutEffect(() => {
    if (ready) performance.measure(PLAN_MARKS.render, PLAN_MARKS.data);
  }, [ready]);

  const byEpic = useMemo(() => {
    const q = search.trim().toLowerCase();
    const keep = FILTERS[filter];
    const map = new Map<number, TaskSummary[]>();
    for (const t of tasks) {
      if (!keep(t) || (q && !t.description.toLowerCase().includes(q))) continue;
      const list = map.get(t.epic_id);
      if (list) list.push(t);
      else map.set(t.epic_id, [t]);
    }
    return map;
  }, [tasks, filter, search]);

  if (epics === null) {
    const error = epicsQuery.error ?? tasksQuery.error;
    return error ? <p role="alert">{error.message}</p> : <p aria-busy="true">Loading the plan…</p>;
  }
  if (epics.length === 0) return <p className="py-6 text-slate-600 dark:text-slate-300">No plan yet.</p>;
  const counts = Object.fromEntries(
    (Object.keys(FILTERS) as Filter[]).map((f) => [f, tasks.filter(FILTERS[f]).length]),
  ) as Record<Filter, number>;

  return (
    <div className="flex flex-col gap-4 pt-3" data-testid="plan">
      <div className="flex flex-wrap items-end gap-3">
        <fieldset className="flex flex-wrap gap-1">
          <legend className="sr-only">Show tasks</legend>
          {(Object.keys(FILTERS) as Filter[]).map((f) => (
            <label
              key={f}
              className={`cursor-pointer rounded-md border px-3 py-1 text-sm has-[:focus-visible]:outline-2 ${filter === f ? "border-sky-600 bg-sky-50 dark:bg-sky-950" : "border-slate-300 dark:border-slate-600"}`}
            >
              <input
                type="radio"
                name="filter"
                value={f}
                checked={filter === f}
                onChange={() => setFilter(f)}
                className="sr-only"
              />
              {f} ({counts[f]})
            </label>
          ))}
        </fieldset>
        <label className="text-sm">
          <span className="sr-only">Search tasks</span>
          <input
            type="search"
            placeholder="search tasks"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            className={inputClass}
          />
        </label>
      </div>
      {epics.map((epic) => {
        const list = byEpic.get(epic.id) ?? [];
        if (list.length === 0 && (filter !== "all" || search)) return null;
        return (
          <section
            key={epic.id}
            aria-labelledby={`epic-${epic.id}`}
            // Off-screen epics skip layout and paint until scrolled to (900-test plans stay quick).
            className="rounded-lg border border-slate-200 bg-white [contain-intrinsic-size:auto_12rem] [content-visibility:auto] dark:border-slate-800 dark:bg-slate-900"
          >
            <header className="flex flex-wrap items-center gap-2 border-b border-slate-200 p-3 dark:border-slate-800">
              <h2 id={`epic-${epic.id}`} className="mr-auto font-semibold">
                {epic.name}
              </h2>
              <span className="text-xs text-slate-600 dark:text-slate-300">
                tasks {epic.tasks.done}/{epic.tasks.total} · tests {epic.tests.passing}/{epic.tests.total}
              </span>
              <StatusBadge status={epic.status} />
            </header>
            <ul className="divide-y divide-slate-100 dark:divide-slate-800">
              {list.map((t) => (
                <li key={t.id}>
                  <button
                    type="button"
                    onClick={() => setOpenTask(t.id)}
                    className="flex w-full flex-wrap items-center gap-2 p-3 text-left text-sm hover:bg-slate-50 dark:hover:bg-slate-800"
                  >
                    <span className="mr-auto">{t.description}</span>
                    <span className="text-xs text-slate-600 dark:text-slate-300">
                      tests {t.tests.passing}/{t.tests.total}
                      {t.tests.failing > 0 && (
                        <span className="text-red-700 dark:text-red-300"> · {t.tests.failing} failing</span>
                      )}
                    </span>
                    <StatusBadge status={t.status} />
                  </button>
                </li>
              ))}
              {list.length === 0 && (
                <li className="p-3 text-sm text-slate-500 dark:text-slate-400">
                  This epic has no tasks yet.
                </li>
              )}
            </ul>
          </section>
        );
      })}
      {byEpic.size === 0 && <p className="text-sm text-slate-600 dark:text-slate-300">No task matches.</p>}
      {openTask !== null && (
        <TaskDrawer projectId={projectId} taskId={openTask} onClose={() => setOpenTask(null)} />
      )}
    </div>
  );
}
