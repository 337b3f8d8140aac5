import { expect, it } from "vitest";
import {
  assistantTurns,
  batonScript,
  errorReply,
  firstUserText,
  textReply,
  toolUseReply,
} from "../../src/scripted-model/index.ts";
import { useScriptedRun } from "../helpers/scripted-run.ts";
import { harness, testConfig } from "./harness.ts";

const setUp = useScriptedRun();

it("runs a project to completion across three coding sessions and marks it complete", async () => {
  const { model, t } = await setUp();
  const h = await harness(t, model);
  const result = await h.orchestrator.run(h.project.id, { auto: true });
  expect(result.end).toBe("complete");
  expect(result.sessions.map((s) => [s.session.number, s.session.type, s.status])).toEqual([
    [0, "initializer", "completed"],
    [1, "coding", "completed"],
    [2, "coding", "completed"],
    [3, "coding", "completed"],
  ]);
  const project = await h.stores.projects.get(h.project.id);
  expect(project.status).toBe("complete");
  expect(project.completed_at).not.toBeNull();
  // The run's own events (the reviews after each session are tested in test/review/; the
  // stores' records of row changes in test/stores/).
  const ofStores = new Set(["review_complete", "project_changed", "plan_added", "plan_changed"]);
  const types = h.events.filter((e) => e.session_id === null && !ofStores.has(e.type)).map((e) => e.type);
  expect(types).toEqual([
    "run_started",
    "run_started",
    "auto_continue",
    "auto_continue",
    "auto_continue",
    "project_complete",
  ]);
  // The delay applies between any two sessions of a run, the initializer and the first coding one too.
  expect(h.events.filter((e) => e.type === "auto_continue").map((e) => e.payload)).toEqual([
    { delay_s: 0, next_session: 1 },
    { delay_s: 0, next_session: 2 },
    { delay_s: 0, next_session: 3 },
  ]);
});

it("stops for review after planning unless told to go on", async () => {
  const { model, t } = await setUp();
  const h = await harness(t, model);
  const result = await h.orchestrator.run(h.project.id);
  expect(result.end).toBe("initialized");
  expect(result.message).toMatch(/^the plan is ready: 2 epics, 3 tasks, 3 tests; review it/);
  expect((await h.stores.projects.get(h.project.id)).status).toBe("ready");
  await expect(h.orchestrator.run(h.project.id, { initializeOnly: true })).rejects.toThrow(
    "already has a plan",
  );
});

it("stops after the given number of coding sessions", async () => {
  const { model, t } = await setUp();
  const h = await harness(t, model);
  const result = await h.orchestrator.run(h.project.id, { auto: true, maxIterations: 1 });
  expect(result.end).toBe("max_iterations");
  expect(result.message).toBe("ran 1 coding session, the limit for this run");
  expect((await h.stores.plan.progress(h.project.id)).tasks_done).toBe(1);
  expect((await h.stores.projects.get(h.project.id)).status).toBe("ready");
});

it("lets the running session finish, then stops, when asked to stop after the current one", async () => {
  const { model, t } = await setUp();
  const h = await harness(t, model);
  await h.orchestrator.run(h.project.id);
  const asked = new Promise<void>((resolve) => {
    const { orchestrator, project } = h;
    let done = false;
    const poll = setInterval(async () => {
      const running = await h.stores.sessions.running(project.id);
      if (running && !done) {
        done = true;
        clearInterval(poll);
        await orchestrator.setStopAfterCurrent(project.id, true);
        resolve();
      }
    }, 20);
  });
  const result = await h.orchestrator.run(h.project.id);
  await asked;
  expect(result.end).toBe("stop_after_current");
  expect(result.sessions).toHaveLength(1);
  expect(result.sessions[0]?.status).toBe("completed");
  expect((await h.stores.projects.get(h.project.id)).stop_after_current).toBe(false);
  // Cleared: the next run goes on.
  expect((await h.orchestrator.run(h.project.id, { maxIterations: 1 })).end).toBe("max_iterations");
});

it("stops at once with the credentials message when the service rejects them", async () => {
  const { model, t } = await setUp(() => errorReply(401, { message: "invalid x-api-key" }));
  const h = await harness(t, model);
  const result = await h.orchestrator.run(h.project.id, { auto: true });
  expect(result.end).toBe("fatal");
  expect(result.message).toMatch(/rejected the API key \(ANTHROPIC_API_KEY\); check the value/);
  expect(result.sessions).toHaveLength(1);
  expect((await h.stores.projects.get(h.project.id)).status).toBe("error");
});

it("pauses on a rate limit for the time the service gives, says so, and resumes by itself", async () => {
  let limited = false;
  const { model, t } = await setUp((request, context) => {
    if (!limited && /Session 1 — build/.test(firstUserText(request))) {
      limited = true;
      return errorReply(429, { retryAfterSeconds: 2, message: "rate limited" });
    }
    return batonScript(request, context);
  });
  const h = await harness(t, model);
  const started = Date.now();
  const result = await h.orchestrator.run(h.project.id, { auto: true, maxIterations: 1 });
  expect(result.end).toBe("max_iterations");
  expect(result.sessions[1]?.status).toBe("completed");
  expect(Date.now() - started).toBeGreaterThan(2_000);
  const paused = h.events.find((e) => e.type === "paused");
  expect(paused?.payload).toMatchObject({ reason: "the model service said rate_limit" });
  const until =
    Date.parse((paused?.payload as { until: string } | undefined)?.until ?? "") -
    Date.parse(paused?.ts ?? "");
  expect(until).toBeGreaterThan(1_000);
  expect(until).toBeLessThan(5_000);
  const order = h.events.filter((e) => e.type === "paused" || e.type === "resumed").map((e) => e.type);
  expect(order).toEqual(["paused", "resumed"]);
  expect((await h.stores.projects.get(h.project.id)).paused_until).toBeNull();
});

it("refuses to start a session once the budget is spent", async () => {
  const { model, t } = await setUp();
  const h = await harness(t, model, testConfig(), 0.05);
  const result = await h.orchestrator.run(h.project.id, { auto: true });
  expect(result.end).toBe("budget");
  expect(result.message).toMatch(/^spent \$0\.\d\d of the \$0\.05 budget$/);
  expect(result.sessions.map((s) => s.session.type)).toEqual(["initializer"]);
});

it("ends a session that repeats the same failing call, retries once with a fresh session, then stops", async () => {
  const { model, t } = await setUp((request, context) => {
    if (/Session 0 — plan/.test(firstUserText(request))) return batonScript(request, context);
    return assistantTurns(request) < 10
      ? toolUseReply({ name: "mcp__tasks__update_task_status", input: { task_id: 1, done: true } })
      : textReply("giving up");
  });
  const h = await harness(t, model, testConfig({ stuck: { repeated_failures: 3 } }));
  const result = await h.orchestrator.run(h.project.id, { auto: true });
  expect(result.end).toBe("stuck");
  // Interrupted right after the third failure; a call already in flight may still complete.
  for (const outcome of result.sessions.slice(1)) {
    expect(outcome.status).toBe("interrupted");
    expect(outcome.session.tool_calls).toBeGreaterThanOrEqual(3);
    expect(outcome.session.tool_calls).toBeLessThanOrEqual(4);
    expect(outcome.session.tool_errors).toBe(outcome.session.tool_calls);
  }
  expect(result.sessions[2]?.session.interruption_reason).toMatch(
    /^the same tool call failed 3 times in a row: mcp__tasks__update_task_status \{"task_id":1,"done":true\}/,
  );
  expect(result.message).toMatch(/^session 2 failed again: the same tool call failed 3 times/);
});

it("marks a session whose worker stopped sending heartbeats as interrupted, and offers its task first", async () => {
  const { model, t } = await setUp();
  const h = await harness(t, model, testConfig({ timing: { stale_after_s: 10 } }));
  await h.orchestrator.run(h.project.id);
  // A worker that died mid-session: the session is running, its task in progress, its heartbeat old.
  const dead = await h.stores.sessions.create(h.project.id, { type: "coding", model: "sonnet" });
  await h.stores.sessions.start(dead.id, { workerId: "gone" });
  await h.stores.plan.startTask(h.project.id, 3, dead.id);
  await t.database.db
    .updateTable("sessions")
    .set({ heartbeat_at: new Date(Date.now() - 60_000).toISOString() })
    .where("id", "=", dead.id)
    .execute();
  const result = await h.orchestrator.run(h.project.id, { maxIterations: 1 });
  const recovered = await h.stores.sessions.get(dead.id);
  expect(recovered.status).toBe("interrupted");
  expect(recovered.interruption_reason).toMatch(/^its worker \(gone\) stopped sending heartbeats/);
  expect(h.events.find((e) => e.type === "recovered")?.payload).toMatchObject({
    session_number: dead.number,
  });
  expect(result.end).toBe("max_iterations");
  expect((await h.stores.plan.getTask(h.project.id, 3)).status).toBe("done");
});

it("never marks a live session as stale", async () => {
  const { model, t } = await setUp();
  const h = await harness(t, model, testConfig({ timing: { stale_after_s: 10 } }));
  const live = await h.stores.sessions.create(h.project.id, { type: "initializer", model: "opus" });
  await h.stores.sessions.start(live.id, { workerId: "elsewhere" });
  expect(await h.orchestrator.recover()).toEqual([]);
  await expect(h.orchestrator.run(h.project.id)).rejects.toThrow(
    /^session 0 of this project is running \(worker elsewhere\)/,
  );
  expect((await h.stores.sessions.get(live.id)).status).toBe("running");
});

it("runs several projects at once up to the configured limit, and refuses one more", async () => {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const { model, t } = await setUp(async (request, context) => {
    if (/Session 0 — plan/.test(firstUserText(request)) && assistantTurns(request) === 0) await held;
    return batonScript(request, context);
  });
  const a = await harness(t, model, testConfig({ orchestrator: { max_concurrent_projects: 1 } }));
  const second = await harness(t, model, testConfig(), undefined, "other");
  const b = { ...second, orchestrator: a.orchestrator };
  const running = a.orchestrator.run(a.project.id);
  await expect(b.orchestrator.run(b.project.id)).rejects.toMatchObject({
    code: "BATON_CAPACITY_FULL",
    status: 503,
    data: { running: 1, limit: 1 },
    message:
      "1 projects are running, the most allowed (orchestrator.max_concurrent_projects); wait for one to finish",
  });
  await expect(a.orchestrator.run(a.project.id)).rejects.toThrow(
    "a run of this project is going on; stop it (or wait for it to end) before starting a run",
  );
  release();
  expect((await running).end).toBe("initialized");
  expect((await b.orchestrator.run(b.project.id)).end).toBe("initialized");
});

it("ends a session when its cost passes what is left of the budget, and stops the run", async () => {
  const { model, t } = await setUp();
  // Planning costs about $0.32 with the scripted model; a coding session about $0.20.
  const h = await harness(t, model, testConfig(), 0.4);
  const result = await h.orchestrator.run(h.project.id, { auto: true });
  expect(result.end).toBe("budget");
  const coding = result.sessions[1];
  expect(coding?.status).toBe("interrupted");
  expect(coding?.session.interruption_reason).toMatch(
    /^the session reached the budget left for it \(\$0\.\d\d\)$/,
  );
  const left = 0.4 - (result.sessions[0]?.session.cost_usd ?? 0);
  // The running estimate (list prices) errs early rather than late: the budget is never overrun by
  // more than the turn in flight.
  expect(coding?.session.cost_usd).toBeLessThan(left + 0.05);
  expect(result.sessions).toHaveLength(2);
});
