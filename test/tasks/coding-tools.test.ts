import { expect, it } from "vitest";
import { describeEachDatabase } from "../helpers/databases.ts";
import { ok, planOneTask, projectContext, refused } from "./call-tools.ts";

describeEachDatabase("task tools in a coding session", (db) => {
  it("runs a coding session: refuses done while a test fails, naming it, then accepts once all pass", async () => {
    const t = db();
    const ctx = await projectContext(t);
    const { taskId, testIds } = await planOneTask(ctx);
    const [first, second] = testIds as [number, number];

    expect(await ok(ctx, "start_task", { task_id: taskId })).toEqual({ id: taskId, status: "in_progress" });
    expect(
      await ok(ctx, "update_test_result", { test_id: first, passes: true, evidence: "form submits" }),
    ).toEqual({
      id: first,
      status: "passing",
      task_id: taskId,
      task_tests: "1/2",
    });
    await ok(ctx, "update_test_result", {
      test_id: second,
      passes: false,
      evidence: "no error on empty email",
    });

    const message = await refused(ctx, "update_task_status", { task_id: taskId, done: true });
    expect(message).toBe(
      `update_task_status refused: task ${taskId} cannot be marked done: 1 of its 2 tests are not passing (#${second} failing: Sign-up form works (2)). Verify each one and record it with update_test_result first.`,
    );

    await ok(ctx, "update_test_result", { test_id: second, passes: true, evidence: "error shown" });
    expect(await ok(ctx, "update_task_status", { task_id: taskId, done: true })).toEqual({
      id: taskId,
      status: "done",
    });

    const task = await t.stores.plan.getTask(ctx.projectId, taskId);
    expect(task.session_id).toBe(ctx.sessionId);
    expect(task.tests.map((s) => [s.session_id, s.evidence])).toEqual([
      [ctx.sessionId, "form submits"],
      [ctx.sessionId, "error shown"],
    ]);
    const session = await t.stores.sessions.get(ctx.sessionId ?? 0);
    expect({ tasks_completed: session.tasks_completed, tests_passed: session.tests_passed }).toEqual({
      tasks_completed: 1,
      tests_passed: 2,
    });
  });

  it("counts a session's passed tests and completed tasks only on transitions", async () => {
    const t = db();
    const ctx = await projectContext(t);
    const { taskId, testIds } = await planOneTask(ctx, 1);
    const testId = testIds[0];
    await ok(ctx, "update_test_result", { test_id: testId, passes: true });
    await ok(ctx, "update_test_result", { test_id: testId, passes: true, evidence: "again" });
    await ok(ctx, "update_task_status", { task_id: taskId, done: true });
    await ok(ctx, "update_task_status", { task_id: taskId, done: true });
    let session = await t.stores.sessions.get(ctx.sessionId ?? 0);
    expect([session.tests_passed, session.tasks_completed]).toEqual([1, 1]);

    // A failure reopens the done task; passing again is a new transition.
    const failed = await ok(ctx, "update_test_result", { test_id: testId, passes: false, evidence: "broke" });
    expect(failed).toMatchObject({ status: "failing", task_reopened: true, task_tests: "0/1" });
    await ok(ctx, "update_test_result", { test_id: testId, passes: true });
    await ok(ctx, "update_task_status", { task_id: taskId, done: true });
    session = await t.stores.sessions.get(ctx.sessionId ?? 0);
    expect([session.tests_passed, session.tasks_completed]).toEqual([2, 2]);
  });

  it("works outside a session without touching any session's counters", async () => {
    const t = db();
    const ctx = await projectContext(t, false);
    const { taskId, testIds } = await planOneTask(ctx, 1);
    await ok(ctx, "update_test_result", { test_id: testIds[0], passes: true });
    await ok(ctx, "update_task_status", { task_id: taskId, done: true });
    expect((await t.stores.plan.getTask(ctx.projectId, taskId)).session_id).toBeNull();
  });

  it("puts a task back to pending with done=false", async () => {
    const ctx = await projectContext(db());
    const { taskId } = await planOneTask(ctx);
    await ok(ctx, "start_task", { task_id: taskId });
    expect(await ok(ctx, "update_task_status", { task_id: taskId, done: false })).toEqual({
      id: taskId,
      status: "pending",
    });
  });

  it("refuses to mark the project complete while work is open, then accepts", async () => {
    const ctx = await projectContext(db());
    expect(await refused(ctx, "mark_project_complete")).toMatch(
      /^mark_project_complete refused: project app-\d+ has no plan yet/,
    );
    const { taskId, testIds } = await planOneTask(ctx, 1);
    expect(await refused(ctx, "mark_project_complete")).toMatch(
      new RegExp(`cannot be marked complete: 1 open tasks \\(${taskId}\\) and 1 tests not passing$`),
    );
    await ok(ctx, "update_test_result", { test_id: testIds[0], passes: true });
    await ok(ctx, "update_task_status", { task_id: taskId, done: true });
    expect(await ok(ctx, "get_next_task")).toEqual({
      task: null,
      reason: "every task is done and every test passes: call mark_project_complete",
    });
    expect(await ok(ctx, "mark_project_complete")).toMatchObject({ status: "complete" });
  });

  it("says why there is no next task when the plan is empty", async () => {
    const ctx = await projectContext(db());
    expect(await ok(ctx, "get_next_task")).toEqual({
      task: null,
      reason: "the plan has no tasks yet: create epics and expand them",
    });
    expect((await ok(ctx, "task_status")).next_task).toBeNull();
  });

  it("accepts ids as numeric strings", async () => {
    const ctx = await projectContext(db());
    const { epicId, taskId, testIds } = await planOneTask(ctx, 1);
    expect((await ok(ctx, "get_epic", { epic_id: String(epicId) })).id).toBe(epicId);
    expect(await ok(ctx, "start_task", { task_id: ` ${taskId}` })).toEqual({
      id: taskId,
      status: "in_progress",
    });
    await ok(ctx, "update_test_result", { test_id: String(testIds[0]), passes: true });
    expect(await ok(ctx, "update_task_status", { task_id: String(taskId), done: true })).toMatchObject({
      status: "done",
    });
  });
});
