/**
 * A run a worker takes over from one that died (the queue's lease) goes on where it was: its
 * coding sessions since it was queued count toward its `--max-iterations`.
 */
import { expect, it } from "vitest";
import { useScriptedRun } from "../helpers/scripted-run.ts";
import { harness } from "./harness.ts";

const setUp = useScriptedRun();

it("counts the sessions a taken-over run had on its first worker toward its limit", async () => {
  const { model, t } = await setUp();
  const h = await harness(t, model);
  expect((await h.orchestrator.run(h.project.id, { initializeOnly: true })).end).toBe("initialized");
  const queuedAt = new Date();
  // The first worker ran one coding session of a run limited to two, then died.
  expect((await h.orchestrator.run(h.project.id, { maxIterations: 1 })).end).toBe("max_iterations");

  const control = { signal: new AbortController().signal, takeOver: true, queuedAt };
  const result = await h.orchestrator.run(h.project.id, { maxIterations: 2 }, undefined, control);
  expect([result.end, result.message]).toEqual([
    "max_iterations",
    "ran 2 coding sessions, the limit for this run",
  ]);
  expect(result.sessions).toHaveLength(1);
  const coding = await h.stores.sessions.list(h.project.id, { type: "coding" });
  expect(coding).toHaveLength(2);
});
