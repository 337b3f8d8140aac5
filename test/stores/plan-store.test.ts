import { expect, it } from "vitest";
import { isBatonError } from "../../src/errors.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { finishTask, makeProject, taskInput } from "./fixtures.ts";

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to be refused");
}

describeEachDatabase("plan store", (db) => {
  it("creates epics, tasks and tests and reads them back in plan order", async () => {
    const t = db();
    const p = await makeProject(t);
    const late = await t.stores.plan.createEpic(p.id, { name: "Polish", priority: 5 });
    const first = await t.stores.plan.createEpic(p.id, {
      name: "Core",
      description: "the core",
      priority: 1,
    });
    await t.stores.plan.expandEpic(p.id, first.id, [taskInput("second", 2, 20), taskInput("first", 1, 10)]);
    await t.stores.plan.createTask(p.id, late.id, taskInput("shine", 1));

    const epics = await t.stores.plan.listEpics(p.id);
    expect(epics.map((e) => e.name)).toEqual(["Core", "Polish"]);
    expect(epics[0]).toMatchObject({
      tasks_total: 2,
      tasks_done: 0,
      tests_total: 3,
      tests_passing: 0,
      status: "pending",
    });

    const tasks = await t.stores.plan.listTasks(p.id);
    expect(tasks.map((x) => x.description)).toEqual(["first", "second", "shine"]);
    expect(tasks[1]).toMatchObject({ tests_total: 2, tests_passing: 0 });

    const second = await t.stores.plan.getTask(p.id, String(tasks[1]?.id));
    expect(second.tests.map((x) => x.steps)).toEqual([
      ["open the page", "check the result"],
      ["open the page", "check the result"],
    ]);
    expect(second.tests[0]).toMatchObject({ status: "unknown", category: "functional", verified_at: null });
  });

  it("refuses a second epic with the same name in one project but allows it in another", async () => {
    const t = db();
    const a = await makeProject(t);
    const b = await makeProject(t);
    await t.stores.plan.createEpic(a.id, { name: "Auth" });
    const error = await rejection(t.stores.plan.createEpic(a.id, { name: "Auth" }));
    expect(isBatonError(error, "BATON_EPIC_EXISTS")).toBe(true);
    expect((error as Error).message).toContain('"Auth" already exists');
    await expect(t.stores.plan.createEpic(b.id, { name: "Auth" })).resolves.toMatchObject({ name: "Auth" });
  });

  it("refuses to mark a task done while a test is not passing, naming the tests", async () => {
    const t = db();
    const p = await makeProject(t);
    const epic = await t.stores.plan.createEpic(p.id, { name: "Core" });
    const [task] = await t.stores.plan.expandEpic(p.id, epic.id, [taskInput("login", 2)]);
    if (!task) throw new Error("no task");
    const [pass, fail] = task.tests;
    if (!pass || !fail) throw new Error("no tests");
    await t.stores.plan.recordTestResult(p.id, pass.id, { passes: true });
    await t.stores.plan.recordTestResult(p.id, fail.id, { passes: false, evidence: "button missing" });

    const error = await rejection(t.stores.plan.setTaskStatus(p.id, task.id, "done"));
    expect(isBatonError(error, "BATON_TASK_TESTS_NOT_PASSING")).toBe(true);
    expect((error as Error).message).toContain(`#${fail.id} failing`);
    expect((error as Error).message).not.toContain(`#${pass.id} `);
    expect((await t.stores.plan.getTask(p.id, task.id)).status).toBe("pending");

    await t.stores.plan.recordTestResult(p.id, fail.id, { passes: true, evidence: "fixed" });
    const done = await t.stores.plan.setTaskStatus(p.id, task.id, "done", { sessionId: null });
    expect(done.status).toBe("done");
    expect(done.completed_at).not.toBeNull();
  });

  it("reopens a done task when one of its tests fails or a test is added", async () => {
    const t = db();
    const p = await makeProject(t);
    const epic = await t.stores.plan.createEpic(p.id, { name: "Core" });
    const [task] = await t.stores.plan.expandEpic(p.id, epic.id, [taskInput("login", 1)]);
    if (!task) throw new Error("no task");
    await finishTask(t, p.id, task.id);
    expect((await t.stores.plan.getEpic(p.id, epic.id)).status).toBe("done");

    const result = await t.stores.plan.recordTestResult(p.id, task.tests[0]?.id ?? 0, { passes: false });
    expect(result.reopened_task).toBe(true);
    const reopened = await t.stores.plan.getTask(p.id, task.id);
    expect(reopened.status).toBe("pending");
    expect(reopened.notes).toContain("reopened");
    expect((await t.stores.plan.getEpic(p.id, epic.id)).status).toBe("pending");

    await finishTask(t, p.id, task.id);
    await t.stores.plan.createTest(p.id, task.id, { description: "also logs out" });
    expect((await t.stores.plan.getTask(p.id, task.id)).status).toBe("pending");
  });

  it("keeps each epic's status in step with its tasks", async () => {
    const t = db();
    const p = await makeProject(t);
    const epic = await t.stores.plan.createEpic(p.id, { name: "Core" });
    const [a, b] = await t.stores.plan.expandEpic(p.id, epic.id, [taskInput("a"), taskInput("b")]);
    if (!a || !b) throw new Error("no tasks");
    expect((await t.stores.plan.getEpic(p.id, epic.id)).status).toBe("pending");
    await t.stores.plan.startTask(p.id, a.id);
    expect((await t.stores.plan.getEpic(p.id, epic.id)).status).toBe("in_progress");
    await finishTask(t, p.id, a.id);
    await finishTask(t, p.id, b.id);
    const done = await t.stores.plan.getEpic(p.id, epic.id);
    expect(done.status).toBe("done");
    expect(done.completed_at).not.toBeNull();
    expect(done.tasks_percent).toBe(100);
  });

  it("refuses status changes that make no sense", async () => {
    const t = db();
    const p = await makeProject(t);
    const epic = await t.stores.plan.createEpic(p.id, { name: "Core" });
    const [task] = await t.stores.plan.expandEpic(p.id, epic.id, [taskInput("a")]);
    if (!task) throw new Error("no task");
    await t.stores.plan.setTaskStatus(p.id, task.id, "blocked", { notes: "needs an API key" });
    const error = await rejection(t.stores.plan.setTaskStatus(p.id, task.id, "done"));
    expect(isBatonError(error, "BATON_TASK_INVALID_TRANSITION")).toBe(true);
    expect((error as Error).message).toContain("blocked and cannot become done");
  });

  it("offers the in-progress task first, then by epic priority, task priority and id", async () => {
    const t = db();
    const p = await makeProject(t);
    expect(await t.stores.plan.nextTask(p.id)).toBeNull();
    const later = await t.stores.plan.createEpic(p.id, { name: "Later", priority: 9 });
    const sooner = await t.stores.plan.createEpic(p.id, { name: "Sooner", priority: 1 });
    const [l1] = await t.stores.plan.expandEpic(p.id, later.id, [taskInput("l1", 1, 1)]);
    const [s2, s1, s1b] = await t.stores.plan.expandEpic(p.id, sooner.id, [
      taskInput("s2", 1, 50),
      taskInput("s1", 1, 10),
      taskInput("s1b", 1, 10),
    ]);
    if (!l1 || !s2 || !s1 || !s1b) throw new Error("no tasks");

    expect((await t.stores.plan.nextTask(p.id))?.id).toBe(s1.id);
    await t.stores.plan.startTask(p.id, l1.id);
    const next = await t.stores.plan.nextTask(p.id);
    expect(next?.id).toBe(l1.id);
    expect(next?.tests).toHaveLength(1);

    await finishTask(t, p.id, l1.id);
    expect((await t.stores.plan.nextTask(p.id))?.id).toBe(s1.id);
    await finishTask(t, p.id, s1.id);
    expect((await t.stores.plan.nextTask(p.id))?.id).toBe(s1b.id);
    await t.stores.plan.setTaskStatus(p.id, s1b.id, "blocked");
    expect((await t.stores.plan.nextTask(p.id))?.id).toBe(s2.id);
    await finishTask(t, p.id, s2.id);
    expect(await t.stores.plan.nextTask(p.id)).toBeNull();
  });

  it("reports progress with totals, counts by status and percentages", async () => {
    const t = db();
    const p = await makeProject(t);
    expect(await t.stores.plan.progress(p.id)).toMatchObject({
      tasks_total: 0,
      tasks_percent: 0,
      finished: false,
    });
    const e1 = await t.stores.plan.createEpic(p.id, { name: "One" });
    const e2 = await t.stores.plan.createEpic(p.id, { name: "Two" });
    const [a, b] = await t.stores.plan.expandEpic(p.id, e1.id, [taskInput("a", 2), taskInput("b", 1)]);
    const [c] = await t.stores.plan.expandEpic(p.id, e2.id, [taskInput("c", 1)]);
    if (!a || !b || !c) throw new Error("no tasks");
    await finishTask(t, p.id, a.id);
    await t.stores.plan.startTask(p.id, b.id);
    await t.stores.plan.recordTestResult(p.id, b.tests[0]?.id ?? 0, { passes: false });

    expect(await t.stores.plan.progress(p.id)).toEqual({
      epics_total: 2,
      epics_done: 0,
      epics_percent: 0,
      tasks_total: 3,
      tasks_done: 1,
      tasks_in_progress: 1,
      tasks_blocked: 0,
      tasks_percent: 33.3,
      tests_total: 4,
      tests_passing: 2,
      tests_failing: 1,
      tests_unknown: 1,
      tests_percent: 50,
      finished: false,
    });
    await finishTask(t, p.id, b.id);
    await finishTask(t, p.id, c.id);
    expect(await t.stores.plan.progress(p.id)).toMatchObject({
      epics_done: 2,
      tests_percent: 100,
      finished: true,
    });
  });

  it("lists only epics without tasks when asked for those that need expansion", async () => {
    const t = db();
    const p = await makeProject(t);
    const full = await t.stores.plan.createEpic(p.id, { name: "Full" });
    await t.stores.plan.createEpic(p.id, { name: "Empty" });
    await t.stores.plan.createTask(p.id, full.id, taskInput("x"));
    expect((await t.stores.plan.listEpics(p.id, { needsExpansion: true })).map((e) => e.name)).toEqual([
      "Empty",
    ]);
  });

  it("filters and pages tasks and tests", async () => {
    const t = db();
    const p = await makeProject(t);
    const epic = await t.stores.plan.createEpic(p.id, { name: "Core" });
    const tasks = await t.stores.plan.expandEpic(
      p.id,
      epic.id,
      ["a", "b", "c", "d"].map((d) => taskInput(d, 1)),
    );
    await finishTask(t, p.id, tasks[0]?.id ?? 0);
    expect((await t.stores.plan.listTasks(p.id, { status: "open" })).map((x) => x.description)).toEqual([
      "b",
      "c",
      "d",
    ]);
    expect((await t.stores.plan.listTasks(p.id, { status: "done" })).map((x) => x.description)).toEqual([
      "a",
    ]);
    const first = await t.stores.plan.pageTasks(p.id, { limit: 1 });
    expect(first.tasks.map((x) => x.description)).toEqual(["a"]);
    const second = await t.stores.plan.pageTasks(p.id, { limit: 2, after: first.next ?? undefined });
    expect(second.tasks.map((x) => x.description)).toEqual(["b", "c"]);
    expect(second.tasks[0]).toMatchObject({ tests_total: expect.any(Number), tests_passing: 0 });
    const last = await t.stores.plan.pageTasks(p.id, { limit: 2, after: second.next ?? undefined });
    expect(last).toEqual({ tasks: [expect.objectContaining({ description: "d" })], next: null });
    expect(await t.stores.plan.listTests(p.id, { status: "passing" })).toHaveLength(1);
    expect(await t.stores.plan.listTests(p.id, { task_id: tasks[1]?.id ?? 0 })).toHaveLength(1);
  });

  it("never lets one project's ids reach another project's plan", async () => {
    const t = db();
    const mine = await makeProject(t);
    const theirs = await makeProject(t);
    const epic = await t.stores.plan.createEpic(theirs.id, { name: "Secret" });
    const [task] = await t.stores.plan.expandEpic(theirs.id, epic.id, [taskInput("x")]);
    if (!task) throw new Error("no task");
    expect(
      isBatonError(await rejection(t.stores.plan.getTask(mine.id, task.id)), "BATON_TASK_NOT_FOUND"),
    ).toBe(true);
    expect(
      isBatonError(
        await rejection(t.stores.plan.createTask(mine.id, epic.id, taskInput("y"))),
        "BATON_EPIC_NOT_FOUND",
      ),
    ).toBe(true);
    expect(
      isBatonError(
        await rejection(t.stores.plan.recordTestResult(mine.id, task.tests[0]?.id ?? 0, { passes: true })),
        "BATON_TEST_NOT_FOUND",
      ),
    ).toBe(true);
    expect(isBatonError(await rejection(t.stores.plan.getTask(mine.id, "abc")), "BATON_TASK_NOT_FOUND")).toBe(
      true,
    );
    expect((await t.stores.plan.getTask(theirs.id, task.id)).tests[0]?.status).toBe("unknown");
  });

  it("adds nothing when one task of an expansion is invalid", async () => {
    const t = db();
    const p = await makeProject(t);
    const epic = await t.stores.plan.createEpic(p.id, { name: "Core" });
    const error = await rejection(
      t.stores.plan.expandEpic(p.id, epic.id, [taskInput("fine"), { description: "   ", action: "x" }]),
    );
    expect(isBatonError(error, "BATON_VALIDATION")).toBe(true);
    expect((error as Error).message).toContain("task 2");
    expect((error as Error).message).toContain("a task needs a description");
    expect(await t.stores.plan.listTasks(p.id)).toEqual([]);
  });

  it("rolls back an expansion whose write fails half-way", async () => {
    const t = db();
    const p = await makeProject(t);
    const epic = await t.stores.plan.createEpic(p.id, { name: "Core" });
    // The database refuses the second task's test category (the CHECK constraint), after the first
    // task and its tests were written inside the same transaction.
    const bad = { ...taskInput("bad"), tests: [{ category: "vibes", description: "feels right" }] };
    await expect(
      t.stores.plan.expandEpic(p.id, epic.id, [
        taskInput("good"),
        bad as unknown as ReturnType<typeof taskInput>,
      ]),
    ).rejects.toThrow();
    expect(await t.stores.plan.listTasks(p.id)).toEqual([]);
    expect(await t.stores.plan.listTests(p.id)).toEqual([]);
  });
});
