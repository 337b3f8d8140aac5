/**
 * How busy Baton is, across every process on the database: the sessions running (and which
 * process runs each), the runs waiting for a worker, the workers with their own limit, and the
 * limits — `orchestrator.max_concurrent_projects` per process, `worker.max_sessions` across all
 * workers. `GET /api/capacity`, `baton status --capacity` and the UI's home page show it.
 */
import { z } from "zod";
import type { Config } from "../config/schema.ts";
import type { Stores } from "../db/stores/index.ts";
import type { RunQueue } from "../queue/run-queue.ts";

export const Capacity = z.object({
  queue: z.boolean().describe("runs go through the job queue to `baton worker` processes (PostgreSQL)"),
  per_worker: z
    .number()
    .int()
    .describe("orchestrator.max_concurrent_projects: runs one process holds at once"),
  max_sessions: z
    .number()
    .int()
    .nullable()
    .describe("worker.max_sessions: runs held at once by all workers together (null: no such limit)"),
  running: z
    .array(
      z.object({
        project_id: z.number().int(),
        session_id: z.number().int(),
        number: z.number().int(),
        worker_id: z.string().nullable(),
        started_at: z.string().nullable(),
      }),
    )
    .describe("sessions running now, in any process"),
  queued: z
    .array(z.object({ project_id: z.number().int(), queued_at: z.string(), attempt: z.number().int() }))
    .describe("runs waiting for a worker, oldest first (a worker that stopped left those with attempt > 0)"),
  workers: z
    .array(
      z.object({
        id: z.string(),
        concurrency: z.number().int(),
        active: z.number().int().describe("runs it holds (at its last heartbeat, for a queue worker)"),
        heartbeat_at: z.string().nullable(),
      }),
    )
    .describe("processes that run sessions: the queue's live workers, or this server"),
});
export type Capacity = z.infer<typeof Capacity>;

export async function readCapacity(deps: {
  stores: Stores;
  config: Config;
  /** The job queue, when runs go through it. */
  queue?: RunQueue;
  /** This process, when it runs sessions itself: its id and how many runs it holds. */
  self?: { id: string; active: number };
}): Promise<Capacity> {
  const { stores, config, queue, self } = deps;
  const [sessions, queued, workers] = await Promise.all([
    stores.sessions.runningByProject(),
    queue ? queue.queued() : [],
    queue ? queue.workers() : [],
  ]);
  const perWorker = config.orchestrator.max_concurrent_projects;
  return {
    queue: queue !== undefined,
    per_worker: perWorker,
    max_sessions: queue ? config.worker.max_sessions : null,
    running: [...sessions.values()].map((s) => ({
      project_id: s.project_id,
      session_id: s.id,
      number: s.number,
      worker_id: s.worker_id,
      started_at: s.started_at,
    })),
    queued,
    workers: self
      ? [{ id: self.id, concurrency: perWorker, active: self.active, heartbeat_at: null }, ...workers]
      : workers,
  };
}
