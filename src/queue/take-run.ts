/**
 * What a process that takes runs from the queue (`baton worker`) does with each one: runs it
 * with the job's lease, and — when the run is refused (another process runs the project, nothing
 * is left to do, …) or fails before its end is recorded — says so in the project's events, so the
 * server that queued it answers at once (queued-start.ts) instead of waiting for a session.
 */
import type { Stores } from "../db/stores/index.ts";
import { recordProjectEvent } from "../events/project-events.ts";
import type { Logger } from "../logs/process-log.ts";
import type { Orchestrator } from "../orchestrator/orchestrator.ts";
import type { TakenRun } from "./run-queue.ts";

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
      { signal: taken.signal, takeOver: taken.attempt > 0 },
    );
    log.info({ end: result.end, detail: result.message }, "run ended");
  } catch (error) {
    log.warn({ err: error }, started ? "run failed" : "run refused");
    const message = error instanceof Error ? error.message : String(error);
    await recordProjectEvent(stores, taken.project_id, "run_stopped", {
      reason: started ? "failed" : "refused",
      message,
    }).catch((err: unknown) => log.error({ err }, "the run's end was not recorded"));
  }
}
