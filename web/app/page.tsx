"use client";
import Link from "next/link";
import { useMemo, useState } from "react";
import { Card, inputClass, LiveBadge, ProgressBars, primaryButton, StatusBadge } from "@/components/ui";
import { usd } from "@/lib/format";
import { useCapacity, useProjects } from "@/lib/queries";
import type { Capacity, Project } from "@/lib/types";

type Sort = "updated" | "name" | "progress";

export default function ProjectsPage() {
  // Kept current by the global stream (web/lib/global-stream.tsx): no reload, no polling.
  const { data: projects, error } = useProjects();
  const { data: capacity } = useCapacity();
  const queued = new Set(capacity?.queued.map((q) => q.project_id));
  const [query, setQuery] = useState("");
  const [sort, setSort] = useState<Sort>("updated");
  const shown = useMemo(() => {
    const list = (projects ?? []).filter((p) => p.name.includes(query.trim().toLowerCase()));
    const by: Record<Sort, (a: Project, b: Project) => number> = {
      updated: (a, b) => b.updated_at.localeCompare(a.updated_at),
      name: (a, b) => a.name.localeCompare(b.name),
      progress: (a, b) => b.progress.tests.percent - a.progress.tests.percent,
    };
    return list.sort(by[sort]);
  }, [projects, query, sort]);

  if (!projects) return error ? null : <p aria-busy="true">Loading projects…</p>;

  if (projects.length === 0) {
    return (
      <section className="mx-auto max-w-xl py-12 text-center">
        <h1 className="text-2xl font-bold">No projects yet</h1>
        <p className="mt-3 text-slate-600 dark:text-slate-300">
          Baton builds an application from a written specification. Write what you want in a Markdown or text
          file, create a project from it, and Baton plans the work (epics, tasks, tests) for you to review
          before coding sessions start.
        </p>
        <Link href="/new" className={`${primaryButton} mt-6`}>
          Create your first project
        </Link>
      </section>
    );
  }

  return (
    <section>
      <div className="flex flex-wrap items-end gap-3">
        <h1 className="mr-auto text-2xl font-bold">Projects</h1>
        <label className="text-sm">
          <span className="block">Search</span>
          <input
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            className={inputClass}
            placeholder="name"
          />
        </label>
        <label className="text-sm">
          <span className="block">Sort by</span>
          <select value={sort} onChange={(e) => setSort(e.target.value as Sort)} className={inputClass}>
            <option value="updated">last change</option>
            <option value="name">name</option>
            <option value="progress">tests passing</option>
          </select>
        </label>
        <Link href="/new" className={primaryButton}>
          New project
        </Link>
      </div>
      {capacity && <CapacityLine capacity={capacity} />}
      <ul className="mt-6 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {shown.map((p) => (
          <li key={p.id}>
            <ProjectCard project={p} queued={queued.has(p.id)} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Sessions running and runs queued, against the limits; with a job queue, its live workers. */
function CapacityLine({ capacity: c }: { capacity: Capacity }) {
  const slots = c.workers.reduce((n, w) => n + w.concurrency, 0);
  const limit = c.max_sessions === null ? slots : Math.min(slots, c.max_sessions);
  return (
    <p className="mt-3 text-sm text-slate-600 dark:text-slate-300" data-testid="capacity">
      {c.running.length} running · {c.queued.length} queued · at most {limit} at once
      {c.queue &&
        (c.workers.length === 0
          ? " · no worker is running: start `baton worker`"
          : ` · ${c.workers.length} worker${c.workers.length === 1 ? "" : "s"} (${c.workers.map((w) => `${w.id} ${w.active}/${w.concurrency}`).join(", ")})`)}
    </p>
  );
}

function ProjectCard({ project: p, queued }: { project: Project; queued: boolean }) {
  return (
    <Card className="flex h-full flex-col gap-3">
      <div className="flex items-center gap-2">
        <h2 className="mr-auto truncate text-lg font-semibold">
          <Link href={`/project?id=${p.id}`} className="hover:underline">
            {p.name}
          </Link>
        </h2>
        {p.running_session && <LiveBadge />}
        {queued && <StatusBadge status="queued" />}
        <StatusBadge status={p.status} />
      </div>
      <ProgressBars progress={p.progress} />
      <div className="mt-auto text-sm text-slate-600 dark:text-slate-300">
        <p>
          Cost {usd(p.total_cost_usd)}
          {p.budget_usd !== null && ` of ${usd(p.budget_usd)}`}
        </p>
        <p className="truncate">
          Next:{" "}
          {p.next_task ? p.next_task.description : p.progress.tasks.total === 0 ? "plan the project" : "—"}
        </p>
      </div>
    </Card>
  );
}
