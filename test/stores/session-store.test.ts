import { expect, it } from "vitest";
import { createStores } from "../../src/db/stores/index.ts";
import { isBatonError } from "../../src/errors.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { makeProject, taskInput } from "./fixtures.ts";

describeEachDatabase("session store", (db) => {
  it("numbers sessions from 0 per project, reviews in their own sequence", async () => {
    const t = db();
    const a = await makeProject(t);
    const b = await makeProject(t);
    const init = await t.stores.sessions.create(a.id, { type: "initializer", model: "opus" });
    const c1 = await t.stores.sessions.create(a.id, { type: "coding", model: "sonnet" });
    const r0 = await t.stores.sessions.create(a.id, { type: "review", model: "sonnet" });
    const c2 = await t.stores.sessions.create(a.id, { type: "coding", model: "sonnet" });
    const other = await t.stores.sessions.create(b.id, { type: "coding", model: "sonnet" });
    expect([init.number, c1.number, c2.number, r0.number, other.number]).toEqual([0, 1, 2, 0, 0]);
    expect(init).toMatchObject({
      status: "pending",
      type: "initializer",
      model: "opus",
      cost_usd: 0,
      tool_calls: 0,
    });
    expect((await t.stores.sessions.getByNumber(a.id, 2)).id).toBe(c2.id);
    expect((await t.stores.sessions.recent(a.id, 2)).map((s) => s.id)).toEqual([c2.id, r0.id]);
    expect((await t.stores.sessions.list(a.id, { type: "coding" })).map((s) => s.number)).toEqual([2, 1]);
  });

  it("hands out distinct numbers to sessions created at the same time", async () => {
    const t = db();
    const p = await makeProject(t);
    // On PostgreSQL these run on separate pooled connections and really race.
    const created = await Promise.all(
      Array.from({ length: 30 }, () => t.stores.sessions.create(p.id, { type: "coding", model: "sonnet" })),
    );
    expect(created.map((s) => s.number).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 30 }, (_, i) => i),
    );
  });

  it("refuses to start the initializer once a plan exists", async () => {
    const t = db();
    const p = await makeProject(t);
    await t.stores.plan.createEpic(p.id, { name: "Core" });
    const error = await t.stores.sessions
      .create(p.id, { type: "initializer", model: "opus" })
      .catch((e: unknown) => e);
    expect(isBatonError(error, "BATON_PLAN_EXISTS")).toBe(true);
    expect((error as Error).message).toContain("already has a plan (1 epics)");
    expect(await t.stores.sessions.list(p.id)).toEqual([]);
  });

  it("allows one running session per project, even across connections", async () => {
    const t = db();
    const p = await makeProject(t);
    const q = await makeProject(t);
    const s1 = await t.stores.sessions.create(p.id, { type: "coding", model: "sonnet" });
    const s2 = await t.stores.sessions.create(p.id, { type: "coding", model: "sonnet" });
    const review = await t.stores.sessions.create(p.id, { type: "review", model: "sonnet" });
    const elsewhere = await t.stores.sessions.create(q.id, { type: "coding", model: "sonnet" });
    const other = createStores((await t.reopen()).db, { clock: t.time.clock });

    const running = await t.stores.sessions.start(s1.id, { workerId: "w1" });
    expect(running).toMatchObject({ status: "running", worker_id: "w1" });
    expect(running.heartbeat_at).not.toBeNull();
    const error = await other.sessions.start(s2.id, { workerId: "w2" }).catch((e: unknown) => e);
    expect(isBatonError(error, "BATON_SESSION_ALREADY_RUNNING")).toBe(true);
    expect((error as Error).message).toContain("session 0 of this project is still running");
    expect((await t.stores.sessions.get(s2.id)).status).toBe("pending");

    // A review runs beside the work; another project is independent.
    await expect(t.stores.sessions.start(review.id, { workerId: "w3" })).resolves.toMatchObject({
      status: "running",
    });
    await expect(t.stores.sessions.start(elsewhere.id, { workerId: "w4" })).resolves.toMatchObject({
      status: "running",
    });
    expect((await t.stores.sessions.running(p.id))?.id).toBe(s1.id);

    await t.stores.sessions.finish(s1.id, { status: "completed" });
    await expect(other.sessions.start(s2.id, { workerId: "w2" })).resolves.toMatchObject({
      status: "running",
    });
  });

  it("ends a session once and refuses to change it afterwards", async () => {
    const t = db();
    const p = await makeProject(t);
    const s = await t.stores.sessions.create(p.id, { type: "coding", model: "sonnet" });
    await t.stores.sessions.start(s.id, { workerId: "w" });
    const ended = await t.stores.sessions.finish(s.id, {
      status: "interrupted",
      interruption_reason: "stopped by user",
    });
    expect(ended).toMatchObject({ status: "interrupted", interruption_reason: "stopped by user" });
    expect(ended.ended_at).not.toBeNull();
    const error = await t.stores.sessions.finish(s.id, { status: "completed" }).catch((e: unknown) => e);
    expect(isBatonError(error, "BATON_SESSION_INVALID_TRANSITION")).toBe(true);
    expect((error as Error).message).toContain("it has already ended");
    await expect(t.stores.sessions.start(s.id, { workerId: "w" })).rejects.toThrow("cannot become running");
    expect(await t.stores.sessions.heartbeat(s.id)).toBe(false);
  });

  it("finds running sessions whose heartbeat went stale, and not live ones", async () => {
    const t = db();
    const p = await makeProject(t);
    const q = await makeProject(t);
    const dead = await t.stores.sessions.create(p.id, { type: "coding", model: "sonnet" });
    const alive = await t.stores.sessions.create(q.id, { type: "coding", model: "sonnet" });
    await t.stores.sessions.start(dead.id, { workerId: "gone" });
    await t.stores.sessions.start(alive.id, { workerId: "here" });
    t.time.advance(120_000);
    expect(await t.stores.sessions.heartbeat(alive.id)).toBe(true);
    const cutoff = new Date(t.time.clock().getTime() - 60_000);
    expect((await t.stores.sessions.listStale(cutoff)).map((s) => s.id)).toEqual([dead.id]);
  });

  it("adds usage to the session and its cost to the project", async () => {
    const t = db();
    const p = await makeProject(t);
    const s = await t.stores.sessions.create(p.id, { type: "coding", model: "sonnet" });
    await t.stores.sessions.addUsage(s.id, {
      input_tokens: 1000,
      output_tokens: 200,
      cost_usd: 0.25,
      tool_calls: 3,
    });
    const after = await t.stores.sessions.addUsage(s.id, {
      input_tokens: 500,
      cache_read_tokens: 5_000_000_000,
      cost_usd: 0.5,
      browser_verifications: 1,
    });
    expect(after).toMatchObject({
      input_tokens: 1500,
      output_tokens: 200,
      cache_read_tokens: 5_000_000_000,
      tool_calls: 3,
      browser_verifications: 1,
      cost_usd: 0.75,
    });
    expect((await t.stores.projects.get(p.id)).total_cost_usd).toBeCloseTo(0.75, 10);
    const other = await t.stores.sessions.create(p.id, { type: "coding", model: "sonnet" });
    await t.stores.sessions.addUsage(other.id, { input_tokens: 1, tasks_completed: 2, cost_usd: 0.25 });
    const totals = await t.stores.sessions.totals(p.id);
    expect(totals).toMatchObject({
      sessions: 2,
      input_tokens: 1501,
      output_tokens: 200,
      tasks_completed: 2,
      tool_calls: 3,
    });
    expect(totals.cost_usd).toBeCloseTo(1, 10);
    expect(totals.cache_read_tokens).toBe(5_000_000_000);
    // A deep review's cost counts; the review is not one of the project's sessions.
    const review = await t.stores.sessions.create(p.id, { type: "review", model: "sonnet" });
    await t.stores.sessions.addUsage(review.id, { cost_usd: 0.5 });
    const withReview = await t.stores.sessions.totals(p.id);
    expect(withReview.sessions).toBe(2);
    expect(withReview.cost_usd).toBeCloseTo(1.5, 10);
    expect(await t.stores.sessions.totals((await makeProject(t)).id)).toMatchObject({
      sessions: 0,
      cost_usd: 0,
      input_tokens: 0,
    });
    await expect(t.stores.sessions.addUsage(s.id, { tool_calls: -1 })).rejects.toThrow(
      "tool_calls must be a number ≥ 0",
    );
  });

  it("appends events with a per-session sequence and reads them after a given one", async () => {
    const t = db();
    const p = await makeProject(t);
    const s1 = await t.stores.sessions.create(p.id, { type: "coding", model: "sonnet" });
    const s2 = await t.stores.sessions.create(p.id, { type: "coding", model: "sonnet" });
    const e1 = await t.stores.sessions.appendEvent(s1.id, {
      type: "session_start",
      payload: { model: "sonnet" },
    });
    await t.stores.sessions.appendEvent(s2.id, { type: "session_start", payload: {} });
    const e2 = await t.stores.sessions.appendEvent(s1.id, {
      type: "tool_use",
      payload: { name: "Bash", input: { command: "ls" } },
    });
    expect([e1.seq, e2.seq]).toEqual([1, 2]);
    expect(e2).toMatchObject({
      project_id: p.id,
      type: "tool_use",
      payload: { name: "Bash", input: { command: "ls" } },
    });
    expect((await t.stores.sessions.listEvents(s1.id, { afterSeq: 1 })).map((e) => e.seq)).toEqual([2]);
    expect((await t.stores.sessions.get(s1.id)).event_count).toBe(2);
    await expect(t.stores.sessions.appendEvent(99999, { type: "x", payload: null })).rejects.toThrow(
      "no session",
    );
  });

  it("records which session worked on a task and verified a test", async () => {
    const t = db();
    const p = await makeProject(t);
    const s = await t.stores.sessions.create(p.id, { type: "coding", model: "sonnet" });
    const epic = await t.stores.plan.createEpic(p.id, { name: "Core" });
    const [task] = await t.stores.plan.expandEpic(p.id, epic.id, [taskInput("a")]);
    const started = await t.stores.plan.startTask(p.id, task?.id ?? 0, s.id);
    expect(started.session_id).toBe(s.id);
    const { test } = await t.stores.plan.recordTestResult(p.id, task?.tests[0]?.id ?? 0, {
      passes: true,
      evidence: "screenshot shows the list",
      sessionId: s.id,
    });
    expect(test).toMatchObject({
      status: "passing",
      session_id: s.id,
      evidence: "screenshot shows the list",
    });
  });
});
