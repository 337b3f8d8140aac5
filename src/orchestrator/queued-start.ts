/**
 * Starting a run through the job queue (`baton serve` on PostgreSQL):
 * the same checks as a run started here, then a job that a `baton worker` takes. The answer is
 * the same as for a run started here — its first session — once a worker has started it; when
 * none has within a few seconds, the answer is that the run is queued, and why it waits.
 */
import type { Stores } from "../db/stores/index.ts";
import { fail, projectBusy } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import type { EventPayload } from "../events/catalog.ts";
import type { QueueWorker, RunQueue } from "../queue/run-queue.ts";
import type { Session } from "../sessions/model.ts";
import type { RunOptions, StartedRun } from "./orchestrator.ts";
import type { RunResult } from "./run-end.ts";
import { assertCanStart, startKind } from "./start-checks.ts";

/** How long a start waits for a worker to start the run's first session before answering "queued". */
export const QUEUED_ANSWER_MS = 5_000;

export async function startQueued(
  deps: { stores: Stores; bus: EventBus; queue: RunQueue },
  projectId: number,
  options: RunOptions,
  queuedAnswerMs = QUEUED_ANSWER_MS,
): Promise<StartedRun> {
  const { stores, bus, queue } = deps;
  const project = await stores.projects.get(projectId);
  const running = await stores.sessions.running(projectId);
  if (running) throw projectBusy(projectId, running, "starting a run");
  await assertCanStart(stores, project, startKind(options));

  // Listening before the job is queued: the first session's start cannot be missed. The
  // subscription lasts until the run ends, which settles `done` (also after a "queued" answer).
  let settle: { resolve: (s: Session | null) => void; reject: (e: unknown) => void } | undefined;
  const first = new Promise<Session | null>((resolve, reject) => {
    settle = { resolve, reject };
  });
  let resolveEnd: (result: RunResult) => void = () => {};
  const done = new Promise<RunResult>((resolve) => {
    resolveEnd = resolve;
  });
  let started = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const unsubscribe = bus.subscribe((event) => {
    if (event.project_id !== projectId) return;
    if (!started && event.type === "session_start" && event.session_id !== null) {
      if ((event.payload as EventPayload<"session_start">).session_type === "review") return;
      started = true;
      clearTimeout(timer);
      stores.sessions.get(event.session_id).then(settle?.resolve, settle?.reject);
    } else if (event.type === "run_stopped" || event.type === "project_complete") {
      const p = event.payload as Partial<EventPayload<"run_stopped">>;
      const end = (p.reason ?? "complete") as RunResult["end"];
      const message = p.message ?? "every task is done and every test passes";
      unsubscribe();
      clearTimeout(timer);
      resolveEnd({ end, message, sessions: [] });
      if (!started) settle?.reject(fail("BATON_RUN_NOT_STARTED", { end, reason: message }));
    }
  });
  const jobId = await queue.enqueue({ project_id: projectId, options }).catch((error: unknown) => {
    unsubscribe();
    throw error;
  });
  if (jobId === null) {
    unsubscribe();
    throw projectBusy(projectId, null, "starting a run");
  }
  timer = setTimeout(() => settle?.resolve(null), queuedAnswerMs);
  const session = await first;
  if (session !== null) return { session, done, job_id: jobId };
  return { session, done, job_id: jobId, waiting: whyQueued(await queue.workers(), queue.maxSessions) };
}

/** Why a queued run has not started: no worker, or every one busy (and by which limit). */
export function whyQueued(workers: readonly QueueWorker[], maxSessions: number | null): string {
  if (workers.length === 0) {
    return "no worker is live: start `baton worker` on a machine that reaches the database; the run starts as soon as one does";
  }
  const active = workers.reduce((n, w) => n + w.active, 0);
  const slots = workers.reduce((n, w) => n + w.concurrency, 0);
  const limit =
    maxSessions !== null && maxSessions <= active
      ? `worker.max_sessions is ${maxSessions}`
      : `${workers.length} worker${workers.length === 1 ? "" : "s"} hold ${active} of ${slots} runs`;
  return `every worker is busy (${limit}); the run starts when one has room`;
}
