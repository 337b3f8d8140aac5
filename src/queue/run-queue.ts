/**
 * Runs as durable jobs on PostgreSQL (pg-boss; docs/deploy.md says why this library): starting a
 * project's run puts a job in the queue, and `baton worker` processes take jobs and run them.
 *
 * - One job per project at a time, queued or running (the queue's `exclusive` policy keyed by
 *   project): a second start of the same project finds it there and is refused as busy, and two
 *   workers never run one project.
 * - A lease: the worker running a job sends a heartbeat every `lease_s / 2`; a job whose
 *   heartbeats stop for `lease_s` (its worker was killed or lost the database) is taken by
 *   another worker, which ends the dead worker's session as interrupted and goes on with the plan.
 *   When the old worker's heartbeats reach the database again and find the claim gone, its run
 *   is aborted (`signal`).
 */
import { sql } from "kysely";
import { PgBoss } from "pg-boss";
import type { Config } from "../config/schema.ts";
import type { Database } from "../db/database.ts";
import { fail } from "../errors.ts";
import type { RunOptions } from "../orchestrator/orchestrator.ts";

export const RUN_QUEUE = "baton-runs";
/** pg-boss caps a job's run time at 24 hours; a run that lasts longer is taken up again. */
const MAX_RUN_S = 24 * 60 * 60;

export interface RunJob {
  project_id: number;
  options: RunOptions;
}

export interface TakenRun extends RunJob {
  /** The job's id in the queue. */
  job_id: string;
  /** 0 the first time; more when a worker took it over from one that stopped sending heartbeats. */
  attempt: number;
  /** Aborted when this worker has lost the job (its claim is gone) or is stopping. */
  signal: AbortSignal;
}

export interface QueueLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

export class RunQueue {
  private constructor(private readonly boss: PgBoss) {}

  /** Opens the queue in `baton_jobs_<schema>` (created on first use) of the database at `url`. */
  static async open(url: string, schema: string, leaseS: number, log: QueueLog): Promise<RunQueue> {
    // Dead workers' jobs are looked for every `check` seconds, and a job is theirs to lose after
    // `leaseS - check` without a heartbeat: another worker has it within the lease (pg-boss
    // wants at least 10 s without a heartbeat).
    const check = Math.max(1, Math.min(10, Math.floor(leaseS / 4)));
    const boss = new PgBoss({
      connectionString: url,
      schema: `baton_jobs_${schema}`.slice(0, 50),
      monitorIntervalSeconds: check,
      superviseIntervalSeconds: check,
    });
    // A lost connection is reported here; pg-boss reconnects by itself.
    boss.on("error", (err: unknown) => log.warn({ err }, "job queue"));
    await boss.start();
    if ((await boss.getQueue(RUN_QUEUE)) === null) {
      await boss
        .createQueue(RUN_QUEUE, {
          policy: "exclusive",
          heartbeatSeconds: Math.max(10, leaseS - check),
          expireInSeconds: MAX_RUN_S,
          // A job is retried only when its worker died (a run's own failure ends it normally).
          retryLimit: 1_000,
          retryDelay: 0,
        })
        .catch(async (error: unknown) => {
          // Two processes creating it at once: the other one won.
          if ((await boss.getQueue(RUN_QUEUE)) === null) throw error;
        });
    }
    return new RunQueue(boss);
  }

  /** Queues a run; null when the project already has one queued or running. */
  async enqueue(job: RunJob): Promise<string | null> {
    return this.boss.send(RUN_QUEUE, job, { singletonKey: String(job.project_id) });
  }

  /** Takes runs, at most `concurrency` at once, and hands each to `run` until `stop`. */
  async work(concurrency: number, run: (taken: TakenRun) => Promise<void>): Promise<void> {
    await this.boss.work<RunJob>(
      RUN_QUEUE,
      { localConcurrency: concurrency, batchSize: 1, pollingIntervalSeconds: 0.5 },
      async ([job]) => {
        if (!job) return;
        await run({ ...job.data, job_id: job.id, attempt: job.retryCount, signal: job.signal });
      },
    );
  }

  /** Stops taking runs; the running ones are awaited (their sessions are stopped by the caller). */
  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: 30_000 });
  }
}

/** The run queue of Baton's PostgreSQL database (refused on SQLite, which needs none). */
export async function openRunQueue(database: Database, config: Config, log: QueueLog): Promise<RunQueue> {
  if (database.target.dialect !== "postgres") {
    throw fail("BATON_USAGE", {
      reason:
        "runs are queued for `baton worker` processes on PostgreSQL only: set DATABASE_URL (database.url) to postgres://…; with SQLite, `baton serve` runs everything in one process",
    });
  }
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db);
  return RunQueue.open(database.target.url, rows[0]?.schema ?? "public", config.worker.lease_s, log);
}
