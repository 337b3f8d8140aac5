/**
 * What a process that takes runs from the queue (`baton worker`, `baton serve` on PostgreSQL) does with each one: runs it
 * with the job's lease, and — when the run is refused (another process runs the project, nothing
 * is left to do, …) or fails before its end is recorded — says so in the project's events, so the
 * server that queued it answers at once (queued-start.ts) instead of waiting for a session.
 */
import { isConnectionLost } from "../db/sql-errors.ts";
import type { Stores } from "../db/stores/index.ts";
import { recordProjectEvent } from "../events/project-events.ts";
import type { Logger } from "../logs/process-log.ts";
import type { Orchestrator } from "../orchestrator/orchestrator.ts";
import type { RunQueue, TakenRun } from "./run-queue.ts";

export async function runTaken(
  deps: { orchestrator: Orchestrator; stores: Stores; log: Logger },
  taken: TakenRun,
): Promise<void> {
  const { orchestrator, stores } = deps;
  const log = deps.log.child({ project_id: taken.project_id, job_id: taken.job_id, attempt: taken.attempt });
  log.info("run taken");
  let started = false;
  try {
    const result = await orchestrator.run(
      taken.project_id,
      taken.options,
      () => {
        started = true;
      },
      { signal: taken.signal, takeOver: taken.attempt > 0, queuedAt: taken.queued_at },
    );
    log.info({ end: result.end, detail: result.message }, "run ended");
  } catch (error) {
    if (isConnectionLost(error) && !taken.signal.aborted) {
      // The database went away under the run: the job goes back to the queue (failed, so
      // retried) and is taken up again once the database is back, as after a lost lease.
      log.warn({ err: error }, "the database connection was lost: the run is taken up again");
      throw error;
    }
    log.warn({ err: error }, started ? "run failed" : "run refused");
    const message = error instanceof Error ? error.message : String(error);
    await recordProjectEvent(stores, taken.project_id, "run_stopped", {
      reason: started ? "failed" : "refused",
      message,
    }).catch((err: unknown) => log.error({ err }, "the run's end was not recorded"));
  }
}

/** A process taking runs from the queue (`baton worker`, `baton serve` on PostgreSQL). */
export interface RunTaker {
  /** What it says as it starts: how many runs it takes at once. */
  readonly note: string;
  /**
   * Stops taking runs and ends the sessions of those it holds as interrupted; their jobs go back
   * to the queue (failed, so retried) for another process to take the runs up.
   */
  stop(reason: string): Promise<void>;
}

export async function takeRuns(
  deps: { orchestrator: Orchestrator; stores: Stores; log: Logger; queue: RunQueue },
  concurrency: number,
  name: string,
): Promise<RunTaker> {
  const { orchestrator, queue } = deps;
  let stopping = false;
  await queue.work(concurrency, async (taken) => {
    await runTaken(deps, taken);
    if (stopping) throw new Error(`${name} stopped: the run goes on elsewhere`);
  });
  const total = queue.maxSessions;
  return {
    note: `${name}: taking runs from the queue, at most ${concurrency} at once${total === null ? "" : ` (${total} across all workers)`}`,
    async stop(reason) {
      stopping = true;
      orchestrator.stopAll(reason);
      await queue.stop();
      await orchestrator.idle();
    },
  };
}
