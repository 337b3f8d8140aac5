/**
 * Starting a run through the job queue (an API server started with `baton serve --no-worker`):
 * the same checks as a run started here, then a job that a `baton worker` takes. The answer is
 * the same as for a run started here — its first session — once the worker has started it.
 */
import type { Stores } from "../db/stores/index.ts";
import { fail, projectBusy } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import type { EventPayload } from "../events/catalog.ts";
import type { RunQueue } from "../queue/run-queue.ts";
import type { Session } from "../sessions/model.ts";
import type { RunOptions, StartedRun } from "./orchestrator.ts";
import type { RunResult } from "./run-end.ts";
import { assertCanStart, startKind } from "./start-checks.ts";

/** How long a start waits for a worker to take the run and start its first session. */
export const FIRST_SESSION_WAIT_MS = 60_000;
/**
 * After this long without a session, a start with live workers answers that the run is queued:
 * they are busy (their own limits, `worker.max_sessions`), and it starts when one has room.
 */
export const QUEUED_ANSWER_MS = 5_000;

export async function startQueued(
  deps: { stores: Stores; bus: EventBus; queue: RunQueue },
  projectId: number,
  options: RunOptions,
  waits: { firstSessionMs: number; queuedAnswerMs: number } = {
    firstSessionMs: FIRST_SESSION_WAIT_MS,
    queuedAnswerMs: QUEUED_ANSWER_MS,
  },
): Promise<StartedRun> {
  const { stores, bus, queue } = deps;
  const project = await stores.projects.get(projectId);
  const running = await stores.sessions.running(projectId);
  if (running) throw projectBusy(projectId, running, "starting a run");
  await assertCanStart(stores, project, startKind(options));

  // Listening before the job is queued: the first session's start cannot be missed.
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
  let queuedTimer: ReturnType<typeof setTimeout> | undefined;
  const unsubscribe = bus.subscribe((event) => {
    if (event.project_id !== projectId) return;
    if (!started && event.type === "session_start" && event.session_id !== null) {
      if ((event.payload as EventPayload<"session_start">).session_type === "review") return;
      started = true;
      clearTimeout(timer);
      clearTimeout(queuedTimer);
      stores.sessions.get(event.session_id).then(settle?.resolve, settle?.reject);
    } else if (event.type === "run_stopped" || event.type === "project_complete") {
      const p = event.payload as Partial<EventPayload<"run_stopped">>;
      const end = (p.reason ?? "complete") as RunResult["end"];
      const message = p.message ?? "every task is done and every test passes";
      unsubscribe();
      clearTimeout(timer);
      clearTimeout(queuedTimer);
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
  queuedTimer = setTimeout(() => {
    queue.workers().then((workers) => {
      // Answered "queued"; the run's end still settles `done` (the subscription stays).
      if (!started && workers.length > 0) settle?.resolve(null);
    }, settle?.reject);
  }, waits.queuedAnswerMs);
  timer = setTimeout(() => {
    if (started) return;
    unsubscribe();
    const waitS = Math.round(waits.firstSessionMs / 1000);
    settle?.reject(fail("BATON_NO_WORKER", { project_id: projectId, job_id: jobId, wait_s: waitS }));
  }, waits.firstSessionMs);
  const session = await first;
  if (session === null) clearTimeout(timer);
  return { session, done, job_id: jobId };
}
