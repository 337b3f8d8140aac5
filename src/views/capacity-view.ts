/** `baton status --capacity`: sessions running, runs queued, the workers and the limits. */
import type { Capacity } from "../orchestrator/capacity.ts";
import { plural, table, utc } from "./text.ts";

export function formatCapacityText(capacity: Capacity, names: ReadonlyMap<number, string>): string {
  const name = (id: number) => names.get(id) ?? `#${id}`;
  const limit =
    capacity.max_sessions === null
      ? `at most ${capacity.per_worker} per process (orchestrator.max_concurrent_projects)`
      : `at most ${capacity.max_sessions} across all workers (worker.max_sessions), ${capacity.per_worker} per worker`;
  const lines = [
    `${plural(capacity.running.length, "session")} running, ${plural(capacity.queued.length, "run")} queued: ${limit}`,
    capacity.queue
      ? "runs go through the job queue to `baton worker` processes"
      : "runs are held by the process that starts them (no job queue)",
  ];
  if (capacity.running.length > 0) {
    lines.push("", "running:");
    const rows = capacity.running.map((s) => [
      name(s.project_id),
      `#${s.number}`,
      s.worker_id ?? "-",
      s.started_at ? utc(s.started_at) : "-",
    ]);
    lines.push(table(["project", "session", "worker", "started"], rows));
  }
  if (capacity.queued.length > 0) {
    lines.push("", "queued:");
    const rows = capacity.queued.map((q) => [
      name(q.project_id),
      utc(q.queued_at),
      q.attempt > 0 ? `again (its worker stopped, attempt ${q.attempt + 1})` : "new",
    ]);
    lines.push(table(["project", "since", "run"], rows));
  }
  if (capacity.queue) {
    lines.push("", capacity.workers.length === 0 ? "workers: none live — start `baton worker`" : "workers:");
    if (capacity.workers.length > 0) {
      const rows = capacity.workers.map((w) => [
        w.id,
        `${w.active} of ${w.concurrency}`,
        w.heartbeat_at ? utc(w.heartbeat_at) : "-",
      ]);
      lines.push(table(["worker", "runs", "last heartbeat"], rows));
    }
  }
  return `${lines.join("\n")}\n`;
}
