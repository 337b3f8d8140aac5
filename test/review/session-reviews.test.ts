import { afterAll, beforeAll, expect, it } from "vitest";
import { withoutCredentials } from "../../src/agent/credentials.ts";
import { Config } from "../../src/config/schema.ts";
import { SessionReviews } from "../../src/review/session-reviews.ts";
import { batonScript, type ScriptedModel, startScriptedModel } from "../../src/scripted-model/index.ts";
import { describeEachDatabase, type TestDatabase } from "../helpers/databases.ts";
import { testLog } from "../helpers/log.ts";
import { makeWorld } from "../helpers/world.ts";
import { playSession } from "./played-session.ts";

let model: ScriptedModel;
beforeAll(async () => {
  model = await startScriptedModel(batonScript);
});
afterAll(() => model.close());

/** A project whose session 1 worked on UI without the browser (quick rating 2). */
async function uiSession(t: TestDatabase) {
  const project = await t.stores.projects.create({ name: "notes", directory: makeWorld().cwd });
  const init = await t.stores.sessions.create(project.id, { type: "initializer", model: "opus" });
  const initializer = await t.stores.sessions.finish(init.id, { status: "completed" });
  const epic = await t.stores.plan.createEpic(project.id, { name: "Notes" });
  const task = await t.stores.plan.createTask(project.id, epic.id, { description: "Show the notes page" });
  const session = await playSession(t.stores, project.id, [
    { task: "get_next_task" },
    { task: "start_task", args: { task_id: task.id } },
  ]);
  return { project, initializer, session };
}

function reviews(t: TestDatabase, review: Record<string, unknown>) {
  return new SessionReviews({
    stores: t.stores,
    bus: t.stores.bus,
    config: Config.parse({ review, models: { review: "haiku" } }),
    env: { ...withoutCredentials(process.env), ...model.env() },
    workerId: "test",
    log: testLog(),
    home: makeWorld().home,
  });
}

describeEachDatabase("the reviews after a session", (db) => {
  it("starts a deep review in the background when the quick rating is below review.deep_below_rating", async () => {
    const t = db();
    const { project, session } = await uiSession(t);
    const r = reviews(t, { deep_below_rating: 3 });
    const quick = await r.afterSession(session);
    expect(quick?.rating).toBe(2); // no browser on UI work (−6), no task completed (−2)
    expect(r.pending).toBe(1);
    await r.idle();
    expect(r.pending).toBe(0);
    const [deep] = await t.stores.quality.forProject(project.id, { kind: "deep" });
    expect(deep).toMatchObject({
      session_id: session.id,
      rating: 2,
      metrics: expect.objectContaining({ trigger: "low_rating" }),
    });
    const [review] = await t.stores.sessions.list(project.id, { type: "review" });
    expect(review?.model).toBe("haiku");
  });

  it("leaves a session rated at the threshold without a deep review", async () => {
    const t = db();
    const { project, session } = await uiSession(t);
    const r = reviews(t, { deep_below_rating: 2 });
    expect((await r.afterSession(session))?.rating).toBe(2);
    expect(r.pending).toBe(0);
    expect(await t.stores.quality.forProject(project.id, { kind: "deep" })).toEqual([]);
  });

  it("never reviews the initializer", async () => {
    const t = db();
    const { project, initializer } = await uiSession(t);
    const r = reviews(t, { deep_every: 1 });
    expect(await r.afterSession(initializer)).toBeNull();
    expect(r.pending).toBe(0);
    expect(await t.stores.quality.forProject(project.id)).toEqual([]);
  });
});
