/**
 * Starting a run through the job queue (src/orchestrator/queued-start.ts) against the real queue
 * on PostgreSQL, with no worker: the checks a start makes, one job per project, and what the API
 * answers when no worker takes the run. On SQLite there is no queue: the commands say so.
 */
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { Config } from "../../src/config/schema.ts";
import { isBatonError } from "../../src/errors.ts";
import type { BatonEvent } from "../../src/events/catalog.ts";
import { Orchestrator } from "../../src/orchestrator/orchestrator.ts";
import { startQueued, whyQueued } from "../../src/orchestrator/queued-start.ts";
import { openRunQueue, type RunQueue } from "../../src/queue/run-queue.ts";
import { runTaken } from "../../src/queue/take-run.ts";
import { baton, batonEnv } from "../helpers/cli.ts";
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from "../helpers/databases.ts";
import { testLog } from "../helpers/log.ts";
import { newProject } from "../helpers/projects.ts";
import { makeWorld } from "../helpers/world.ts";

/** An orchestrator on `t` whose starts go to `queue` (a `--no-worker` server), or a worker's. */
/** Waits short enough for a test: no worker ever shows up here. */
const QUICK = 100;

function queueServer(t: TestDatabase, queue: RunQueue | undefined, config = Config.parse({})): Orchestrator {
  return new Orchestrator({
    stores: t.stores,
    bus: t.stores.bus,
    config,
    env: process.env,
    workerId: queue ? "server:test" : "worker:test",
    log: testLog(),
    browser: null,
    batonHome: makeWorld().home,
    ...(queue ? { queue } : {}),
  });
}

const opened: { t: TestDatabase; queue?: RunQueue }[] = [];
afterEach(async () => {
  for (const { t, queue } of opened.splice(0)) {
    await queue?.stop();
    if (t.database.target.dialect === "postgres") {
      const options = new URL(t.database.target.url).searchParams.get("options") ?? "";
      const schema = /search_path=(\w+)/.exec(options)?.[1] ?? "";
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`drop schema if exists "${`baton_jobs_${schema}`.slice(0, 50)}" cascade`);
      await client.end();
    }
    await t.cleanup();
  }
});

(TEST_DATABASE_URL ? describe : describe.skip)("a start through the queue [postgres]", () => {
  it("checks the start, queues one job per project, and answers queued when no worker takes it", async () => {
    const t = await createTestDatabase("postgres");
    const entry: { t: TestDatabase; queue?: RunQueue } = { t };
    opened.push(entry);
    const queue = await openRunQueue(t.database, Config.parse({}), "server:test", testLog());
    entry.queue = queue;
    const deps = { stores: t.stores, bus: t.stores.bus, queue };
    const { project } = await newProject(t.stores);

    // The same checks as a start here: no plan, no coding.
    const noPlan = await startQueued(deps, project.id, { codeOnly: true }, QUICK).catch((e: unknown) => e);
    expect(isBatonError(noPlan, "BATON_PLAN_MISSING")).toBe(true);

    const epic = await t.stores.plan.createEpic(project.id, { name: "Core" });
    await t.stores.plan.expandEpic(project.id, epic.id, [
      { description: "Say hello", tests: [{ description: "runs" }] },
    ]);
    const unclaimed = await startQueued(deps, project.id, { codeOnly: true }, QUICK);
    expect(unclaimed).toMatchObject({
      session: null,
      job_id: expect.any(String),
      waiting:
        "no worker is live: start `baton worker` on a machine that reaches the database; the run starts as soon as one does",
    });

    // Still queued: a second start of the project is busy, not a second job.
    const again = await startQueued(deps, project.id, { codeOnly: true }, QUICK).catch((e: unknown) => e);
    expect(isBatonError(again, "BATON_PROJECT_BUSY")).toBe(true);
    // A server that queues its runs refuses a reset or a delete of a project whose run is queued.
    const orchestrator = queueServer(t, queue);
    const reset = await orchestrator.assertIdle(project, "resetting it").catch((e: unknown) => e);
    expect(isBatonError(reset, "BATON_PROJECT_BUSY")).toBe(true);

    // Queued, not running, and no worker: what the API and `baton status --capacity` show.
    expect(await orchestrator.capacity()).toEqual({
      queue: true,
      per_worker: 3,
      max_sessions: null,
      running: [],
      queued: [{ project_id: project.id, queued_at: expect.any(String), attempt: 0 }],
      workers: [],
    });
    const w = makeWorld();
    const env = batonEnv(t, null, w.home);
    const text = await baton(["status", "--capacity"], { cwd: w.cwd, env });
    expect([text.code, text.err]).toEqual([0, ""]);
    expect(text.out).toMatch(/^0 sessions running, 1 run queued: at most 3 per process/);
    expect(text.out).toMatch(/queued:\nproject +since +run\np +\d{4}-\d\d-\d\d [\d:]+ UTC +new\n/);
    expect(text.out).toContain("workers: none live — start `baton worker`");
    const json = await baton(["status", "--capacity", "--json"], { cwd: w.cwd, env });
    expect(JSON.parse(json.out)).toMatchObject({ queue: true, queued: [{ project_id: project.id }] });
  });

  it("answers at once when the worker that took the run refuses it, with the worker's reason", async () => {
    const t = await createTestDatabase("postgres");
    const entry: { t: TestDatabase; queue?: RunQueue } = { t };
    opened.push(entry);
    const config = Config.parse({ worker: { max_sessions: 2 } });
    const queue = await openRunQueue(t.database, config, "worker:test", testLog());
    entry.queue = queue;
    const { project } = await newProject(t.stores);
    const stopped = new Promise<BatonEvent>((resolve) =>
      t.stores.bus.subscribe((e) => {
        if (e.type === "run_stopped") resolve(e);
      }),
    );
    // Queued past the start's checks (as when the plan went away in between): coding with no plan.
    expect(await queue.enqueue({ project_id: project.id, options: { codeOnly: true } })).not.toBeNull();
    const orchestrator = queueServer(t, undefined, config);
    await queue.work(1, (taken) => runTaken({ orchestrator, stores: t.stores, log: testLog() }, taken));
    const event = await stopped;
    expect(event.payload).toEqual({
      reason: "refused",
      message: expect.stringMatching(/has no plan/),
    });
    // The run is over: nothing queued, nothing held.
    await expect.poll(() => queue.hasRun(project.id)).toBe(false);
  });
});

describe("the queue on SQLite", () => {
  it("is refused with the fix: baton worker and baton serve --no-worker need PostgreSQL", async () => {
    const t = await createTestDatabase("sqlite");
    opened.push({ t });
    const w = makeWorld();
    const env = batonEnv(t, null, w.home);
    const capacity = await baton(["status", "--capacity"], { cwd: w.cwd, env });
    expect([capacity.code, capacity.err, capacity.out]).toEqual([
      0,
      "",
      "0 sessions running, 0 runs queued: at most 3 per process (orchestrator.max_concurrent_projects)\nruns are held by the process that starts them (no job queue)\n",
    ]);
    const misuse = await baton(["status", "--capacity", "--epics"], { cwd: w.cwd, env });
    expect([misuse.code, misuse.err]).toEqual([
      2,
      "baton: --capacity is about every project: give it no project and only --json\n",
    ]);
    for (const args of [["worker"], ["serve", "--no-worker", "--port", "1"]]) {
      const r = await baton(args, { cwd: w.cwd, env });
      expect([r.code, r.err]).toEqual([
        2,
        "baton: runs are queued for `baton worker` processes on PostgreSQL only: set DATABASE_URL (database.url) to postgres://…; with SQLite, `baton serve` runs everything in one process\n",
      ]);
    }
  });
});

describe("why a queued run waits", () => {
  const worker = (active: number, concurrency: number) => ({
    id: `worker:h:${active}${concurrency}`,
    active,
    concurrency,
    heartbeat_at: "2026-12-07T00:00:00.000Z",
  });
  it("names the limit that holds it: the workers' own, or worker.max_sessions", () => {
    expect(whyQueued([worker(1, 1), worker(1, 1)], null)).toBe(
      "every worker is busy (2 workers hold 2 of 2 runs); the run starts when one has room",
    );
    expect(whyQueued([worker(1, 3)], 1)).toBe(
      "every worker is busy (worker.max_sessions is 1); the run starts when one has room",
    );
    expect(whyQueued([], 1)).toMatch(/^no worker is live: start `baton worker`/);
  });
});
