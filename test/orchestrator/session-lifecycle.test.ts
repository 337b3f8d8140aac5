import { existsSync, readFileSync } from "node:fs";
import { expect, it, vi } from "vitest";
import { activePrompt } from "../../src/agent/prompts.ts";
import { UsageBuffer } from "../../src/agent/usage-buffer.ts";
import { createStores } from "../../src/db/stores/index.ts";
import { beginSession } from "../../src/orchestrator/session-lifecycle.ts";
import { describeEachDatabase, type TestDatabase } from "../helpers/databases.ts";
import { testLog } from "../helpers/log.ts";
import { newProject } from "../helpers/projects.ts";

async function setUpProject(t: TestDatabase) {
  const { project, world: w } = await newProject(t.stores);
  return { project, home: w.home, prompt: await activePrompt(t.stores.prompts, "coding") };
}

const start = {
  type: "coding" as const,
  model: "sonnet",
  credentials: "api_key",
  cwd: "/nowhere",
  title: () => "a test session",
};

describeEachDatabase("the session lifecycle", (db) => {
  it("creates, starts, records and finishes a session, with session_start first and session_end last", async () => {
    const t = db();
    const { project, home, prompt } = await setUpProject(t);
    const log = testLog();
    const live = await beginSession(
      { stores: t.stores, bus: t.stores.bus, home, workerId: "w", log },
      project,
      {
        ...start,
        prompt,
      },
    );
    // The first work session of a project is number 0 (there is no initializer here).
    expect(live.session).toMatchObject({ status: "running", worker_id: "w", number: 0 });
    await live.record("assistant_text", { text: "hello" });
    const ended = await live.finish({
      status: "error",
      error: "it broke",
      reason: null,
      errorKind: "session",
      metrics: (row) => ({ cost_usd: row.cost_usd }),
    });
    expect(ended).toMatchObject({ status: "error", error: "it broke" });
    const events = await t.stores.sessions.listEvents(live.session.id);
    expect(events.map((e) => e.type)).toEqual(["session_start", "assistant_text", "error", "session_end"]);
    expect(events.at(-1)?.payload).toMatchObject({
      status: "error",
      reason: "it broke",
      metrics: { cost_usd: 0 },
    });
    expect(existsSync(live.log.txtPath)).toBe(true);
    expect(readFileSync(live.log.txtPath, "utf8")).toMatch(/^a test session/);
    expect(log.lines).toEqual([]);
  });

  it("logs a heartbeat it could not write, naming the session, and keeps the session going", async () => {
    const t = db();
    const { project, home, prompt } = await setUpProject(t);
    const log = testLog();
    // Its own connection, which goes away while the session runs.
    const other = await t.reopen();
    const stores = createStores(other.db);
    const live = await beginSession(
      { stores, bus: stores.bus, home, workerId: "w", log, heartbeatMs: 20 },
      project,
      { ...start, prompt },
    );
    await other.close();
    await vi.waitUntil(() => log.lines.length > 0, { timeout: 10_000, interval: 10 });
    expect(JSON.parse(log.lines[0] ?? "{}")).toMatchObject({
      level: 40,
      msg: "heartbeat not written",
      session_id: live.session.id,
      err: { message: expect.any(String) },
    });
    // The row stays running until recovery finds it stale (its worker is presumed dead).
    await expect(
      live.finish({
        status: "completed",
        error: null,
        reason: null,
        errorKind: "session",
        metrics: () => ({}),
      }),
    ).rejects.toThrow();
    expect((await t.stores.sessions.get(live.session.id)).status).toBe("running");
  });
});

it("reports a usage write that failed and still writes the usage that follows", async () => {
  const written: unknown[] = [];
  const failures: unknown[] = [];
  let fail = true;
  const buffer = new UsageBuffer(
    async (delta) => {
      if (fail) throw new Error("disk full");
      written.push(delta);
    },
    (error) => failures.push(error),
  );
  buffer.add({ input_tokens: 5 });
  await buffer.flush();
  fail = false;
  buffer.add({ output_tokens: 7 });
  await buffer.flush();
  expect(failures.map((e) => (e as Error).message)).toEqual(["disk full"]);
  expect(written).toEqual([{ output_tokens: 7 }]);
});
