import { expect, it } from "vitest";
import { describeEachDatabase } from "../helpers/databases.ts";
import { finishTask, makeProject, taskInput } from "./fixtures.ts";

describeEachDatabase("read queries for the CLI", (db) => {
  it("reports the progress of every project with a plan, by project id, as progress() does", async () => {
    const t = db();
    const a = await makeProject(t);
    const b = await makeProject(t);
    const empty = await makeProject(t);
    const epic = await t.stores.plan.createEpic(a.id, { name: "Core" });
    const [done] = await t.stores.plan.expandEpic(a.id, epic.id, [taskInput("one", 2), taskInput("two", 1)]);
    await finishTask(t, a.id, done?.id ?? 0);
    const other = await t.stores.plan.createEpic(b.id, { name: "Core" });
    const [blocked] = await t.stores.plan.expandEpic(b.id, other.id, [taskInput("three", 1)]);
    await t.stores.plan.setTaskStatus(b.id, blocked?.id ?? 0, "blocked");

    const all = await t.stores.plan.progressByProject();
    expect([...all.keys()].sort()).toEqual([a.id, b.id].sort());
    expect(all.get(a.id)).toEqual(await t.stores.plan.progress(a.id));
    expect(all.get(a.id)).toMatchObject({ tasks_done: 1, tasks_total: 2, tests_passing: 2, tests_total: 3 });
    expect(all.get(b.id)).toEqual(await t.stores.plan.progress(b.id));
    expect(all.get(b.id)).toMatchObject({ tasks_blocked: 1, tests_unknown: 1, epics_total: 1 });
    expect(await t.stores.plan.progress(empty.id)).toMatchObject({
      tasks_total: 0,
      tests_total: 0,
      finished: false,
    });
  });

  it("counts tests by epic and category, with the passing ones", async () => {
    const t = db();
    const p = await makeProject(t);
    const q = await makeProject(t);
    const core = await t.stores.plan.createEpic(p.id, { name: "Core" });
    const ui = await t.stores.plan.createEpic(p.id, { name: "UI" });
    await t.stores.plan.createEpic(p.id, { name: "Later" });
    const [task] = await t.stores.plan.expandEpic(p.id, core.id, [taskInput("api", 2)]);
    await t.stores.plan.expandEpic(p.id, ui.id, [
      {
        description: "page",
        tests: [
          { category: "style", description: "looks right" },
          { category: "accessibility", description: "has labels" },
        ],
      },
    ]);
    await t.stores.plan.recordTestResult(p.id, task?.tests[0]?.id ?? 0, { passes: true });
    const elsewhere = await t.stores.plan.createEpic(q.id, { name: "Core" });
    await t.stores.plan.expandEpic(q.id, elsewhere.id, [taskInput("not counted", 3)]);

    const counts = await t.stores.plan.testCounts(p.id);
    const sorted = [...counts].sort((x, y) => x.epic_id - y.epic_id || x.category.localeCompare(y.category));
    expect(sorted).toEqual([
      { epic_id: core.id, category: "functional", total: 2, passing: 1 },
      { epic_id: ui.id, category: "accessibility", total: 1, passing: 0 },
      { epic_id: ui.id, category: "style", total: 1, passing: 0 },
    ]);
  });

  it("finds a project's newest initializer or coding session, leaving reviews aside", async () => {
    const t = db();
    const p = await makeProject(t);
    expect(await t.stores.sessions.latest(p.id)).toBeNull();
    await t.stores.sessions.create(p.id, { type: "initializer", model: "opus" });
    const coding = await t.stores.sessions.create(p.id, { type: "coding", model: "sonnet" });
    await t.stores.sessions.create(p.id, { type: "review", model: "sonnet" });
    expect((await t.stores.sessions.latest(p.id))?.id).toBe(coding.id);
  });

  it("lists the running initializer or coding session of every project, by project id", async () => {
    const t = db();
    const a = await makeProject(t);
    const b = await makeProject(t);
    const idle = await makeProject(t);
    const runA = await t.stores.sessions.create(a.id, { type: "coding", model: "sonnet" });
    await t.stores.sessions.start(runA.id, { workerId: "w1" });
    const review = await t.stores.sessions.create(b.id, { type: "review", model: "sonnet" });
    await t.stores.sessions.start(review.id, { workerId: "w2" });
    const runB = await t.stores.sessions.create(b.id, { type: "initializer", model: "opus" });
    await t.stores.sessions.start(runB.id, { workerId: "w2" });
    const ended = await t.stores.sessions.create(idle.id, { type: "coding", model: "sonnet" });
    await t.stores.sessions.start(ended.id, { workerId: "w3" });
    await t.stores.sessions.finish(ended.id, { status: "completed" });

    const running = await t.stores.sessions.runningByProject();
    expect([...running.entries()].map(([project, s]) => [project, s.id]).sort()).toEqual(
      [
        [a.id, runA.id],
        [b.id, runB.id],
      ].sort(),
    );
  });
});
