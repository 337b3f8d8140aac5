"use client";
import { useEffect, useMemo, useState } from "react";
import { useToast } from "@/components/toasts";
import { inputClass, StatusBadge } from "@/components/ui";
import { api } from "@/lib/api";
import type { Epic, TaskDetail, TaskSummary } from "@/lib/types";

type Filter = "all" | "open" | "done";

/** Epics → tasks → (on opening a task) its action and tests. */
export function PlanTab({ projectId, changes }: { projectId: number; changes: number }) {
  const toast = useToast();
  const [epics, setEpics] = useState<Epic[] | null>(null);
  const [tasks, setTasks] = useState<TaskSummary[]>([]);
  const [filter, setFilter] = useState<Filter>("all");
  const [search, setSearch] = useState("");

  // biome-ignore lint/correctness/useExhaustiveDependencies: `changes` is the refetch trigger
  useEffect(() => {
    Promise.all([api<{ epics: Epic[] }>(`/api/projects/${projectId}/epics`), loadAllTasks(projectId)])
      .then(([e, t]) => {
        setEpics(e.epics);
        setTasks(t);
      })
      .catch((e: Error) => toast("error", e.message));
  }, [projectId, changes, toast]);

  const byEpic = useMemo(() => {
    const q = search.trim().toLowerCase();
    const map = new Map<number, TaskSummary[]>();
    for (const t of tasks) {
      if (filter === "open" && t.status === "done") continue;
      if (filter === "done" && t.status !== "done") continue;
      if (q && !t.description.toLowerCase().includes(q)) continue;
      map.set(t.epic_id, [...(map.get(t.epic_id) ?? []), t]);
    }
    return map;
  }, [tasks, filter, search]);

  if (epics === null) return <p aria-busy="true">Loading the plan…</p>;
  if (epics.length === 0) return <p className="py-6 text-slate-600 dark:text-slate-300">No plan yet.</p>;

  return (
    <div className="flex flex-col gap-4 pt-3">
      <div className="flex flex-wrap items-end gap-3">
        <fieldset className="flex gap-1">
          <legend className="sr-only">Show tasks</legend>
          {(["all", "open", "done"] as const).map((f) => (
            <label
              key={f}
              className={`cursor-pointer rounded-md border px-3 py-1 text-sm ${filter === f ? "border-sky-600 bg-sky-50 dark:bg-sky-950" : "border-slate-300 dark:border-slate-600"}`}
            >
              <input
                type="radio"
                name="filter"
                value={f}
                checked={filter === f}
                onChange={() => setFilter(f)}
                className="sr-only"
              />
              {f}
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
        return (
          <section
            key={epic.id}
            aria-labelledby={`epic-${epic.id}`}
            className="rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
          >
            <header className="flex flex-wrap items-center gap-2 border-b border-slate-200 p-3 dark:border-slate-800">
              <h2 id={`epic-${epic.id}`} className="mr-auto font-semibold">
                {epic.name}
              </h2>
              <span className="text-xs text-slate-600 dark:text-slate-300">
                tasks {epic.tasks.done}/{epic.tasks.total} · tests {epic.tests.passing}/{epic.tests.total}
              </span>
              <StatusBadge status={epic.status === "done" ? "done" : epic.status} />
            </header>
            <ul className="divide-y divide-slate-100 dark:divide-slate-800">
              {list.map((t) => (
                <TaskRow key={t.id} projectId={projectId} task={t} changes={0} />
              ))}
              {list.length === 0 && (
                <li className="p-3 text-sm text-slate-500 dark:text-slate-400">No task matches.</li>
              )}
            </ul>
          </section>
        );
      })}
    </div>
  );
}

async function loadAllTasks(projectId: number): Promise<TaskSummary[]> {
  const all: TaskSummary[] = [];
  for (let offset = 0; ; offset += 1000) {
    const { tasks } = await api<{ tasks: TaskSummary[] }>(
      `/api/projects/${projectId}/tasks?limit=1000&offset=${offset}`,
    );
    all.push(...tasks);
    if (tasks.length < 1000) return all;
  }
}

function TaskRow({ projectId, task }: { projectId: number; task: TaskSummary; changes: number }) {
  const [detail, setDetail] = useState<TaskDetail | null>(null);
  const [open, setOpen] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when the task's counts change
  useEffect(() => {
    if (!open) return;
    api<TaskDetail>(`/api/projects/${projectId}/tasks/${task.id}`)
      .then(setDetail)
      .catch(() => {});
  }, [open, projectId, task.id, task.status, task.tests.passing]);
  return (
    <li>
      <details onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
        <summary className="flex cursor-pointer flex-wrap items-center gap-2 p-3 text-sm">
          <span className="mr-auto">{task.description}</span>
          <span className="text-xs text-slate-600 dark:text-slate-300">
            tests {task.tests.passing}/{task.tests.total}
          </span>
          <StatusBadge status={task.status} />
        </summary>
        <div className="px-3 pb-3 text-sm">
          {!detail ? (
            <p aria-busy="true">Loading…</p>
          ) : (
            <>
              <p className="whitespace-pre-wrap text-slate-700 dark:text-slate-300">{detail.action}</p>
              <ul className="mt-2 flex flex-col gap-2">
                {detail.tests.map((test) => (
                  <li key={test.id} className="rounded border border-slate-200 p-2 dark:border-slate-700">
                    <div className="flex items-center gap-2">
                      <StatusBadge status={test.status} />
                      <span className="text-xs text-slate-500 dark:text-slate-400">{test.category}</span>
                      <span>{test.description}</span>
                    </div>
                    {test.steps.length > 0 && (
                      <ol className="mt-1 list-decimal pl-6 text-xs text-slate-600 dark:text-slate-300">
                        {test.steps.map((s) => (
                          <li key={s}>{s}</li>
                        ))}
                      </ol>
                    )}
                    {test.evidence && <p className="mt-1 text-xs italic">Evidence: {test.evidence}</p>}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      </details>
    </li>
  );
}
