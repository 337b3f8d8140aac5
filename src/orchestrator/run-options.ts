/** What a run is started with: the mode, its own settings, and what a queue worker adds. */
import type { Session } from "../sessions/model.ts";
import type { RunResult } from "./run-end.ts";
import type { RunOverrides } from "./run-settings.ts";

/**
 * How to run: the mode, and what this run was given for itself (a flag, a request's body), which
 * goes over the project's settings and the configuration (resolveRunSettings).
 */
export interface RunOptions extends RunOverrides {
  /** Only the initializer (refused when a plan exists). */
  initializeOnly?: boolean;
  /** After initializing, go straight on into coding instead of stopping for review. */
  auto?: boolean;
  /** Only code: refused without a plan, or once the project is complete (the API's coding start). */
  codeOnly?: boolean;
}

/** What a worker adds to a run it took from the queue (src/queue/run-queue.ts). */
export interface QueuedRunControl {
  /** Aborted when the worker lost the job or is stopping: the run stops as if asked to. */
  signal: AbortSignal;
  /**
   * The job was taken over from a worker that stopped sending heartbeats (the queue's lease):
   * that worker's session of the project ends interrupted now, whatever its last heartbeat says.
   */
  takeOver: boolean;
  /** When the run was queued: taken over, its coding sessions since then count toward its limit. */
  queuedAt: Date;
}

/** A run started in the background (`Orchestrator.start`). */
export interface StartedRun {
  /**
   * The run's first session, created and started; null when the run waits in the job queue
   * because every worker is busy (queued-start.ts).
   */
  session: Session | null;
  /** The run's job, when it went through the queue. */
  job_id?: string;
  /** Why a queued run waits (no worker, or all busy), when `session` is null. */
  waiting?: string;
  /** Settles when the run ends. */
  done: Promise<RunResult>;
}
