/**
 * Starting a run through the job queue (src/orchestrator/queued-start.ts) against the real queue
 * on PostgreSQL, with no worker: the checks a start makes, one job per project, and what the API
 * answers when no worker takes the run. On SQLite there is no queue: the commands say so.
 */
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { Config } from "../../src/config/schema.ts";
import { isBatonError } from "../../src/errors.ts";
import { startQueued } from "../../src/orchestrator/queued-start.ts";
import { openRunQueue, type RunQueue } from "../../src/queue/run-queue.ts";
import { baton, batonEnv } from "../helpers/cli.ts";
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from "../helpers/databases.ts";
import { testLog } from "../helpers/log.ts";
import { newProject } from "../helpers/projects.ts";
import { makeWorld } from "../helpers/world.ts";

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
  it("checks the start, queues one job per project, and says so when no worker takes it", async () => {
    const t = await createTestDatabase("postgres");
    const entry: { t: TestDatabase; queue?: RunQueue } = { t };
    opened.push(entry);
    const queue = await openRunQueue(t.database, Config.parse({}), testLog());
    entry.queue = queue;
    const deps = { stores: t.stores, bus: t.stores.bus, queue };
    const { project } = await newProject(t.stores);

    // The same checks as a start here: no plan, no coding.
    const noPlan = await startQueued(deps, project.id, { codeOnly: true }, 200).catch((e: unknown) => e);
    expect(isBatonError(noPlan, "BATON_PLAN_MISSING")).toBe(true);

    const epic = await t.stores.plan.createEpic(project.id, { name: "Core" });
    await t.stores.plan.expandEpic(project.id, epic.id, [
      { description: "Say hello", tests: [{ description: "runs" }] },
    ]);
    const unclaimed = await startQueued(deps, project.id, { codeOnly: true }, 200).catch((e: unknown) => e);
    expect(isBatonError(unclaimed, "BATON_NO_WORKER")).toBe(true);
    expect((unclaimed as { status: number }).status).toBe(503);
    expect((unclaimed as Error).message).toMatch(
      /^the run is queued \(job [\w-]+\), but no worker took it within 0 s/,
    );

    // Still queued: a second start of the project is busy, not a second job.
    const again = await startQueued(deps, project.id, { codeOnly: true }, 200).catch((e: unknown) => e);
    expect(isBatonError(again, "BATON_PROJECT_BUSY")).toBe(true);
  });
});

describe("the queue on SQLite", () => {
  it("is refused with the fix: baton worker and baton serve --no-worker need PostgreSQL", async () => {
    const t = await createTestDatabase("sqlite");
    opened.push({ t });
    const w = makeWorld();
    const env = batonEnv(t, null, w.home);
    for (const args of [["worker"], ["serve", "--no-worker", "--port", "1"]]) {
      const r = await baton(args, { cwd: w.cwd, env });
      expect([r.code, r.err]).toEqual([
        2,
        "baton: runs are queued for `baton worker` processes on PostgreSQL only: set DATABASE_URL (database.url) to postgres://…; with SQLite, `baton serve` runs everything in one process\n",
      ]);
    }
  });
});
