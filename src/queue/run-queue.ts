/**
 * Runs as durable jobs on PostgreSQL (pg-boss; docs/deploy.md says why this library): starting a
 * project's run puts a job in the queue, and `baton worker` processes (and every `baton serve` but
 * a `--no-worker` one) take jobs and run them.
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
import type { PgBoss } from "pg-boss";
import type { Config } from "../config/schema.ts";
import type { Database } from "../db/database.ts";
import { fail } from "../errors.ts";
import type { RunOptions } from "../orchestrator/orchestrator.ts";

export const RUN_QUEUE = "baton-runs";

/** pg-boss's schema for the runs of Baton's schema `schema`. */
function queueSchema(schema: string): string {
  return `baton_jobs_${schema}`.slice(0, 50);
}
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
  /** When the run was queued. */
  queued_at: Date;
  /** Aborted when this worker has lost the job (its claim is gone) or is stopping. */
  signal: AbortSignal;
}

/** A run waiting in the queue for a worker. */
export interface QueuedRun {
  project_id: number;
  queued_at: string;
  /** More than 0 when its worker stopped and it waits to be taken up again. */
  attempt: number;
}

/** A process taking runs from the queue, as it last told the database. */
export interface QueueWorker {
  id: string;
  /** How many runs it takes at once (its `orchestrator.max_concurrent_projects`). */
  concurrency: number;
  /** Runs it held at its last heartbeat. */
  active: number;
  heartbeat_at: string;
}

export interface QueueOptions {
  /** The worker id of this process (`worker:HOST:PID`), its name in pg-boss's instance registry. */
  name: string;
  leaseS: number;
  /** `worker.max_sessions`: the most runs held at once by all workers together (null: no limit). */
  maxSessions: number | null;
}

/** Every run is in this one group: pg-boss's `groupConcurrency` caps the group across all workers. */
const RUNS_GROUP = "runs";

export interface QueueLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

export class RunQueue {
  private constructor(
    private readonly boss: PgBoss,
    /** `worker.max_sessions` of this process's configuration. */
    readonly maxSessions: number | null,
  ) {}

  /** Opens the queue in `baton_jobs_<schema>` (created on first use) of the database at `url`. */
  static async open(url: string, schema: string, options: QueueOptions, log: QueueLog): Promise<RunQueue> {
    const { leaseS } = options;
    // Dead workers' jobs are looked for every `check` seconds, and a job is theirs to lose after
    // `leaseS - check` without a heartbeat: another worker has it within the lease (pg-boss
    // wants at least 10 s without a heartbeat).
    const check = Math.max(1, Math.min(10, Math.floor(leaseS / 4)));
    const { PgBoss } = await loadQueueLibraries();
    const boss = new PgBoss({
      connectionString: url,
      schema: queueSchema(schema),
      monitorIntervalSeconds: check,
      superviseIntervalSeconds: check,
      instanceName: options.name,
      // Its connections are named for the process in pg_stat_activity (an operator can tell whose).
      application_name: `baton-queue ${options.name}`.slice(0, 63),
      // Its registry row (the workers and their runs, what capacity shows) is this fresh.
      instanceHeartbeatSeconds: 5,
      // A queued run wakes the workers at once (LISTEN/NOTIFY on one connection), not at their next poll.
      useListenNotify: true,
    });
    // A lost connection is reported here; pg-boss reconnects by itself.
    boss.on("error", (err: unknown) => log.warn({ err }, "job queue"));
    await boss.start();
    const existing = await boss.getQueue(RUN_QUEUE);
    // A queue made before runs woke the workers.
    if (existing && existing.notify !== true) await boss.updateQueue(RUN_QUEUE, { notify: true });
    if (existing === null) {
      await boss
        .createQueue(RUN_QUEUE, {
          policy: "exclusive",
          notify: true,
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
    return new RunQueue(boss, options.maxSessions);
  }

  /**
   * The queue to read (what is queued, which workers live) without taking part: no maintenance,
   * no registration. Null when no queue was ever opened on this database.
   */
  static async reader(url: string, schema: string, maxSessions: number | null): Promise<RunQueue | null> {
    const name = queueSchema(schema);
    const { PgBoss, pg } = await loadQueueLibraries();
    const boss = new PgBoss({
      connectionString: url,
      schema: name,
      supervise: false,
      schedule: false,
      migrate: false,
      registerInstance: false,
      max: 2,
    });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const found = await client.query("select 1 from information_schema.schemata where schema_name = $1", [
        name,
      ]);
      if (found.rowCount === 0) return null;
    } finally {
      await client.end();
    }
    await boss.start();
    return new RunQueue(boss, maxSessions);
  }

  /** Queues a run; null when the project already has one queued or running. */
  async enqueue(job: RunJob): Promise<string | null> {
    return this.boss.send(RUN_QUEUE, job, {
      singletonKey: String(job.project_id),
      group: { id: RUNS_GROUP },
    });
  }

  /** Throws when the queue cannot be reached. */
  async ping(): Promise<void> {
    if ((await this.boss.getQueue(RUN_QUEUE)) === null) throw new Error(`the queue ${RUN_QUEUE} is missing`);
  }

  /** Whether the project has a run queued or held by a worker (between sessions too). */
  async hasRun(projectId: number): Promise<boolean> {
    const jobs = await this.boss.findJobs(RUN_QUEUE, { key: String(projectId) });
    return jobs.some((job) => job.state === "created" || job.state === "retry" || job.state === "active");
  }

  /** The runs waiting for a worker, oldest first. */
  async queued(): Promise<QueuedRun[]> {
    const jobs = await this.boss.findJobs<RunJob>(RUN_QUEUE, { queued: true, limit: 1_000 });
    return jobs.map((job) => ({
      project_id: job.data.project_id,
      queued_at: job.createdOn.toISOString(),
      attempt: job.retryCount,
    }));
  }

  /** The live processes taking runs (`baton worker`), by their last heartbeat. */
  async workers(): Promise<QueueWorker[]> {
    const instances = await this.boss.getInstances();
    return instances.flatMap((instance) => {
      const worker = instance.workers.find((w) => w.queue === RUN_QUEUE);
      if (!instance.live || !worker) return [];
      return [
        {
          id: instance.name ?? `${instance.host}:${instance.pid}`,
          concurrency: worker.localConcurrency,
          active: worker.active,
          heartbeat_at: instance.heartbeatOn.toISOString(),
        },
      ];
    });
  }

  /** Takes runs, at most `concurrency` at once, and hands each to `run` until `stop`. */
  async work(concurrency: number, run: (taken: TakenRun) => Promise<void>): Promise<void> {
    const options = {
      localConcurrency: concurrency,
      batchSize: 1,
      // Woken at once by a queued run; every second they look anyway (a slot freed elsewhere
      // under worker.max_sessions wakes no one), every half second when LISTEN is unavailable.
      notifyPollingIntervalSeconds: 1,
      pollingIntervalSeconds: 0.5,
      includeMetadata: true,
      groupConcurrency: this.maxSessions ?? undefined,
    } as const;
    await this.boss.work<RunJob, unknown, typeof options>(RUN_QUEUE, options, async ([job]) => {
      if (!job) return;
      const queued_at = job.createdOn;
      await run({ ...job.data, job_id: job.id, attempt: job.retryCount, queued_at, signal: job.signal });
    });
  }

  /** Closes a reader (no runs in hand). */
  async close(): Promise<void> {
    await this.boss.stop({ graceful: false });
  }

  /** Stops taking runs; the running ones are awaited (their sessions are stopped by the caller). */
  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: 30_000 });
  }
}

/** The run queue of Baton's PostgreSQL database (refused on SQLite, which needs none). */
export async function openRunQueue(
  database: Database,
  config: Config,
  name: string,
  log: QueueLog,
): Promise<RunQueue> {
  if (database.target.dialect !== "postgres") {
    throw fail("BATON_USAGE", {
      reason:
        "runs are queued for `baton worker` processes on PostgreSQL only: set DATABASE_URL (database.url) to postgres://…; with SQLite, `baton serve` runs everything in one process",
    });
  }
  const options = { name, leaseS: config.worker.lease_s, maxSessions: config.worker.max_sessions };
  return RunQueue.open(database.target.url, await currentSchema(database), options, log);
}

/** pg-boss and pg, loaded only where a queue is used (they slow every command's start by ~90 ms). */
async function loadQueueLibraries() {
  const [{ PgBoss }, { default: pg }] = await Promise.all([import("pg-boss"), import("pg")]);
  return { PgBoss, pg };
}

/** The run queue of Baton's database, to read; null on SQLite or when no queue was ever opened. */
export async function readRunQueue(database: Database, config: Config): Promise<RunQueue | null> {
  if (database.target.dialect !== "postgres") return null;
  return RunQueue.reader(database.target.url, await currentSchema(database), config.worker.max_sessions);
}

async function currentSchema(database: Database): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db);
  return rows[0]?.schema ?? "public";
}
