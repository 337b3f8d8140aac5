import { expect, it } from "vitest";
import { applyReset, planReset } from "../../src/orchestrator/reset.ts";
import { batonScript, isReviewRequest, type Script } from "../../src/scripted-model/index.ts";
import { useScriptedRun } from "../helpers/scripted-run.ts";
import { harness, testConfig } from "../orchestrator/harness.ts";

const setUp = useScriptedRun();

/** The baton script, with every review held until `release()`. */
function heldReviews(): { script: Script; release: () => void; asked: () => number } {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let asked = 0;
  const script: Script = async (request, context) => {
    if (!isReviewRequest(request)) return batonScript(request, context);
    asked++;
    await gate;
    return batonScript(request, context);
  };
  return { script, release, asked: () => asked };
}

it("stores a quick check after each coding session and runs the deep review beside the next sessions", async () => {
  const held = heldReviews();
  const { model, t } = await setUp(held.script);
  const h = await harness(t, model, testConfig({ review: { deep_every: 2 } }));

  const result = await h.orchestrator.run(h.project.id, { auto: true });
  // Session 2's deep review is still waiting for the model: session 3 and the end of the run did not wait for it.
  expect(result.end).toBe("complete");
  expect(result.sessions.map((s) => s.session.number)).toEqual([0, 1, 2, 3]);
  expect(held.asked()).toBe(1);
  expect(h.orchestrator.reviews.pending).toBe(1);
  let idle = false;
  const waiting = h.orchestrator.idle().then(() => {
    idle = true;
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(idle).toBe(false);
  held.release();
  await waiting;

  const quick = await h.stores.quality.forProject(h.project.id, { kind: "quick" });
  const numberOf = async (sessionId: number) => (await h.stores.sessions.get(sessionId)).number;
  expect(await Promise.all(quick.map((c) => numberOf(c.session_id)))).toEqual([3, 2, 1]);
  // The scripted coder orients, records its tests with evidence, commits, and has no UI work.
  expect(quick.map((c) => [c.rating, c.issues])).toEqual([
    [10, []],
    [10, []],
    [10, []],
  ]);
  expect(quick[0]?.metrics).toMatchObject({ oriented: true, commits: 1, tests_passing_with_evidence: 1 });

  const [deep, ...more] = await h.stores.quality.forProject(h.project.id, { kind: "deep" });
  expect(more).toEqual([]);
  expect(await numberOf(deep?.session_id ?? 0)).toBe(2);
  expect(deep).toMatchObject({ rating: 10, metrics: expect.objectContaining({ trigger: "every_n" }) });
  expect(deep?.recommendations.length).toBeGreaterThan(0);
  const [review] = await h.stores.sessions.list(h.project.id, { type: "review" });
  expect(review).toMatchObject({ number: 0, status: "completed" });

  const reviews = h.events.filter((e) => e.type === "review_complete").map((e) => e.payload);
  expect(reviews).toMatchObject([
    { kind: "quick", session_number: 1, rating: 10 },
    { kind: "quick", session_number: 2, rating: 10 },
    { kind: "quick", session_number: 3, rating: 10 },
    { kind: "deep", session_number: 2, rating: 10 },
  ]);
});

it("aborts a running deep review when everything is stopped, and the review ends interrupted", async () => {
  const held = heldReviews();
  const { model, t } = await setUp(held.script);
  const h = await harness(t, model, testConfig({ review: { deep_every: 1 } }));
  await h.orchestrator.run(h.project.id, { auto: true, maxIterations: 1 });
  expect(h.orchestrator.reviews.pending).toBe(1);
  h.orchestrator.stopAll("the server stopped");
  await h.orchestrator.idle();
  held.release();
  const [review] = await h.stores.sessions.list(h.project.id, { type: "review" });
  expect(review).toMatchObject({ status: "interrupted" });
  expect(h.events.filter((e) => e.type === "review_failed").map((e) => e.payload)).toMatchObject([
    { kind: "deep", session_number: 1 },
  ]);
});

it("stops a project's running deep review for a reset, which a running review otherwise blocks", async () => {
  const held = heldReviews();
  const { model, t } = await setUp(held.script);
  const h = await harness(t, model, testConfig({ review: { deep_every: 1 } }));
  await h.orchestrator.run(h.project.id, { auto: true, maxIterations: 1 });
  expect(h.orchestrator.reviews.runningFor(h.project.id)).toBe(1);
  expect(h.orchestrator.reviews.runningFor(h.project.id + 1)).toBe(0);
  const deps = { stores: h.stores, home: h.home, sandbox: { type: "none" as const } };
  await expect(planReset(deps, h.project.id)).rejects.toThrow(/review \d+ of this project is running/);
  // The server's dry run: the reset would stop the review first.
  await expect(planReset(deps, h.project.id, { reviewsStopped: true })).resolves.toMatchObject({
    steps: expect.any(Array),
  });
  expect(await h.orchestrator.reviews.stopFor(h.project.id, "the project is being reset")).toBe(1);
  held.release();
  const [review] = await h.stores.sessions.list(h.project.id, { type: "review" });
  expect(review).toMatchObject({ status: "interrupted" });
  await applyReset(deps, h.project.id);
  expect(await h.stores.sessions.list(h.project.id)).toMatchObject([{ number: 0, type: "initializer" }]);
});

it("goes on with the run when the quick check cannot be stored, and says why", async () => {
  const { model, t } = await setUp();
  const h = await harness(t, model);
  // The quality table is gone: every quick check fails to store.
  await t.database.db.schema.dropTable("quality_checks").execute();
  const result = await h.orchestrator.run(h.project.id, { auto: true, maxIterations: 1 });
  expect(result.end).toBe("max_iterations");
  const failed = h.events.filter((e) => e.type === "review_failed");
  // The quick check fails to store, then the deep review's trigger fails to read the last deep review.
  expect(failed.map((e) => e.payload)).toMatchObject([
    { kind: "quick", session_number: 1, message: expect.stringMatching(/quality_checks/) },
    { kind: "deep", session_number: 1 },
  ]);
});
