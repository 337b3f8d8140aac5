import { expect, it } from "vitest";
import { useScriptedRun } from "../helpers/scripted-run.ts";
import { harness } from "./harness.ts";

const setUp = useScriptedRun();

it("runs a project with its own models and sandbox over the config's, and a run's model over both", async () => {
  const { model, t } = await setUp();
  const h = await harness(t, model);
  await h.stores.projects.update(h.project.id, {
    settings: { initializer_model: "claude-opus-5", coding_model: "claude-haiku-5", sandbox: "none" },
  });
  const started = await h.orchestrator.start(h.project.id, { initializeOnly: true });
  expect(started.session).toMatchObject({
    number: 0,
    type: "initializer",
    status: "running",
    model: "claude-opus-5",
  });
  expect((await started.done).end).toBe("initialized");
  // The project's sandbox (none) is what its sessions ran with: each one says so.
  const warnings = h.events.filter(
    (e) => e.type === "system" && (e.payload as { subtype: string }).subtype === "sandbox",
  );
  expect(warnings).toHaveLength(1);

  const coding = await h.orchestrator.start(h.project.id, { maxIterations: 1 });
  expect(coding.session).toMatchObject({ number: 1, type: "coding", model: "claude-haiku-5" });
  await coding.done;
  const third = await h.orchestrator.start(h.project.id, { maxIterations: 1, model: "claude-sonnet-5" });
  expect(third.session?.model).toBe("claude-sonnet-5");
  await third.done;
});

it("refuses to start a run that cannot start, without creating a session", async () => {
  const { model, t } = await setUp();
  const h = await harness(t, model);
  const first = await h.orchestrator.start(h.project.id, { initializeOnly: true });
  await first.done;
  await expect(h.orchestrator.start(h.project.id, { initializeOnly: true })).rejects.toMatchObject({
    code: "BATON_PLAN_EXISTS",
  });
  expect(await h.stores.sessions.list(h.project.id)).toHaveLength(1);
});

it("stops a run after the project's max_sessions unless the run says otherwise", async () => {
  const { model, t } = await setUp();
  const h = await harness(t, model);
  await (await h.orchestrator.start(h.project.id, { initializeOnly: true })).done;
  expect((await h.stores.plan.progress(h.project.id)).tasks_total).toBeGreaterThan(2);
  await h.stores.projects.update(h.project.id, { settings: { max_sessions: 1 } });
  const limited = await h.orchestrator.run(h.project.id, {});
  expect(limited.end).toBe("max_iterations");
  expect(limited.sessions.map((s) => s.session.type)).toEqual(["coding"]);
  const started = h.events.filter((e) => e.type === "run_started").map((e) => e.payload);
  expect(started.at(-1)).toEqual({ kind: "coding", max_iterations: 1, sandbox: "os" });
  // A run's own limit wins.
  const two = await h.orchestrator.run(h.project.id, { maxIterations: 2 });
  expect(two.sessions.filter((s) => s.session.type === "coding")).toHaveLength(2);
});
