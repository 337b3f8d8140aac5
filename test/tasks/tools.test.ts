import { expect, it } from "vitest";
import { TASK_TOOLS } from "../../src/tasks/tools.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { taskInput } from "../stores/fixtures.ts";
import { ok, planOneTask, projectContext, refused } from "./call-tools.ts";

describeEachDatabase("task tools", (db) => {
  it("plans a project: epics, one bulk expansion per epic with tests, then offers the next task", async () => {
    const ctx = await projectContext(db());
    const accounts = await ok(ctx, "create_epic", { name: "Accounts", description: "Sign-up", priority: 1 });
    const billing = await ok(ctx, "create_epic", { name: "Billing", description: "Invoices", priority: 2 });
    expect(accounts).toEqual({ id: expect.any(Number), name: "Accounts" });

    const toExpand = await ok(ctx, "list_epics", { needs_expansion: true });
    expect(toExpand.epics).toEqual([
      {
        id: accounts.id,
        name: "Accounts",
        description: "Sign-up",
        status: "pending",
        priority: 1,
        tasks: "0/0",
        tests: "0/0",
      },
      {
        id: billing.id,
        name: "Billing",
        description: "Invoices",
        status: "pending",
        priority: 2,
        tasks: "0/0",
        tests: "0/0",
      },
    ]);

    const expanded = await ok(ctx, "expand_epic", {
      epic_id: accounts.id,
      tasks: [
        {
          description: "Login form",
          action: "Build /login",
          priority: 2,
          tests: [{ category: "functional", description: "logs in", steps: ["open /login", "submit"] }],
        },
        {
          description: "Sign-up form",
          action: "Build /signup",
          priority: 1,
          tests: [{ description: "signs up" }, { category: "style", description: "matches the design" }],
        },
      ],
    });
    expect(expanded.epic_id).toBe(accounts.id);
    expect(expanded.tasks.map((t: { tests: number[] }) => t.tests.length)).toEqual([1, 2]);

    expect(
      (await ok(ctx, "list_epics", { needs_expansion: true })).epics.map((e: { name: string }) => e.name),
    ).toEqual(["Billing"]);
    const all = await ok(ctx, "list_epics");
    expect(all.epics[0]).toEqual({
      id: accounts.id,
      name: "Accounts",
      status: "pending",
      priority: 1,
      tasks: "0/2",
      tests: "0/3",
    });

    const next = await ok(ctx, "get_next_task");
    expect(next.task).toEqual({
      id: expanded.tasks[1].id,
      epic_id: accounts.id,
      description: "Sign-up form",
      action: "Build /signup",
      priority: 1,
      status: "pending",
      tests: [
        {
          id: expanded.tasks[1].tests[0],
          category: "functional",
          description: "signs up",
          steps: [],
          status: "unknown",
        },
        {
          id: expanded.tasks[1].tests[1],
          category: "style",
          description: "matches the design",
          steps: [],
          status: "unknown",
        },
      ],
    });

    const status = await ok(ctx, "task_status");
    expect(status).toEqual({
      epics: { done: 0, total: 2 },
      tasks: { done: 0, in_progress: 0, blocked: 0, total: 2 },
      tests: { passing: 0, failing: 0, unknown: 3, total: 3 },
      tests_percent: 0,
      finished: false,
      next_task: { id: expanded.tasks[1].id, description: "Sign-up form", status: "pending" },
    });

    const epic = await ok(ctx, "get_epic", { epic_id: accounts.id });
    expect(epic).toMatchObject({
      name: "Accounts",
      description: "Sign-up",
      tasks: [
        { description: "Sign-up form", tests: "0/2" },
        { description: "Login form", tests: "0/1" },
      ],
    });
  });

  it("adds single tasks and tests, and reopens a done task that gains a test", async () => {
    const ctx = await projectContext(db());
    const epic = await ok(ctx, "create_epic", { name: "Search" });
    const task = await ok(ctx, "create_task", {
      epic_id: epic.id,
      description: "Search box",
      action: "Add it",
    });
    expect(task).toEqual({ id: expect.any(Number), epic_id: epic.id });
    const test = await ok(ctx, "create_test", {
      task_id: task.id,
      category: "accessibility",
      description: "has a label",
      steps: ["inspect"],
    });
    expect(test).toEqual({ id: expect.any(Number), task_id: task.id });
    await ok(ctx, "update_test_result", { test_id: test.id, passes: true, evidence: "label present" });
    await ok(ctx, "update_task_status", { task_id: task.id, done: true });

    const another = await ok(ctx, "create_test", {
      task_id: task.id,
      description: "finds results",
      steps: ["type", "see"],
    });
    expect(another.task_reopened).toBe(true);
    expect(await ok(ctx, "get_task", { task_id: task.id })).toMatchObject({
      status: "pending",
      notes: "reopened: a new test was added",
    });
    expect((await ok(ctx, "list_tests", { task_id: task.id })).tests).toEqual([
      {
        id: test.id,
        category: "accessibility",
        description: "has a label",
        steps: ["inspect"],
        status: "passing",
        evidence: "label present",
      },
      {
        id: another.id,
        category: "functional",
        description: "finds results",
        steps: ["type", "see"],
        status: "unknown",
      },
    ]);
  });

  it("expands an epic all or nothing: one invalid task adds none, and an empty expansion is refused", async () => {
    const ctx = await projectContext(db());
    const epic = await ok(ctx, "create_epic", { name: "Accounts" });
    const message = await refused(ctx, "expand_epic", {
      epic_id: epic.id,
      tasks: [taskInput("Good task"), { description: "  ", action: "x" }],
    });
    expect(message).toMatch(
      /^expand_epic refused: invalid arguments: tasks\.1\.description: a task needs a description/,
    );
    expect((await ok(ctx, "list_tasks")).tasks).toEqual([]);
    expect(await refused(ctx, "expand_epic", { epic_id: epic.id, tasks: [] })).toBe(
      "expand_epic refused: invalid expansion: give at least one task",
    );
  });

  it("refuses an invalid status change with the allowed ones", async () => {
    const t = db();
    const ctx = await projectContext(t);
    const { taskId } = await planOneTask(ctx);
    await t.stores.plan.setTaskStatus(ctx.projectId, taskId, "blocked");
    expect(await refused(ctx, "update_task_status", { task_id: taskId, done: true })).toBe(
      `update_task_status refused: task ${taskId} is blocked and cannot become done; allowed from blocked: pending, in_progress`,
    );
  });

  it("names the field of invalid arguments: missing, wrong type, unknown category", async () => {
    const ctx = await projectContext(db());
    const { taskId } = await planOneTask(ctx);
    expect(await refused(ctx, "create_epic", { description: "no name" })).toBe(
      "create_epic refused: invalid arguments: name: Invalid input: expected string, received undefined",
    );
    expect(await refused(ctx, "update_test_result", { test_id: 1, passes: "yes" })).toBe(
      "update_test_result refused: invalid arguments: passes: Invalid input: expected boolean, received string",
    );
    expect(await refused(ctx, "get_task", { task_id: "twelve" })).toMatch(
      /^get_task refused: invalid arguments: task_id: /,
    );
    expect(
      await refused(ctx, "create_test", {
        task_id: taskId,
        category: "usability",
        description: "x",
        steps: [],
      }),
    ).toMatch(
      /^create_test refused: invalid arguments: category: Invalid option: expected one of "functional"\|"style"/,
    );
    expect(await refused(ctx, "no_such_tool")).toMatch(
      /^unknown tool no_such_tool; the task tools are task_status, /,
    );
  });

  it("does not find ids of another project", async () => {
    const t = db();
    const mine = await projectContext(t);
    const theirs = await projectContext(t);
    const { epicId, taskId, testIds } = await planOneTask(theirs, 1);
    expect(await refused(mine, "get_task", { task_id: taskId })).toBe(
      `get_task refused: no task ${taskId} in this project; list_tasks shows the tasks`,
    );
    expect(await refused(mine, "get_epic", { epic_id: epicId })).toMatch(
      /^get_epic refused: no epic \d+ in this project/,
    );
    expect(await refused(mine, "list_tasks", { epic_id: epicId })).toMatch(/no epic \d+ in this project/);
    expect(await refused(mine, "update_test_result", { test_id: testIds[0], passes: true })).toMatch(
      /^update_test_result refused: no test \d+ in this project/,
    );
    expect(await refused(mine, "expand_epic", { epic_id: epicId, tasks: [taskInput("x")] })).toMatch(
      /no epic/,
    );
    expect((await t.stores.plan.getTask(theirs.projectId, taskId)).tests[0]?.status).toBe("unknown");
  });

  it("pages task lists by cursor and gives the next page's cursor until the last page", async () => {
    const ctx = await projectContext(db());
    const epic = await ok(ctx, "create_epic", { name: "Big" });
    await ok(ctx, "expand_epic", {
      epic_id: epic.id,
      tasks: ["a", "b", "c", "d", "e"].map((d, i) => taskInput(d, 1, i)),
    });
    const first = await ok(ctx, "list_tasks", { limit: 2 });
    expect(first.tasks.map((x: { description: string }) => x.description)).toEqual(["a", "b"]);
    expect(first.next).toEqual(expect.any(String));
    expect(first.tasks[0]).toEqual({
      id: expect.any(Number),
      epic_id: epic.id,
      description: "a",
      status: "pending",
      priority: 0,
      tests: "0/1",
    });
    const second = await ok(ctx, "list_tasks", { limit: "2", after: first.next });
    expect(second.tasks.map((x: { description: string }) => x.description)).toEqual(["c", "d"]);
    const last = await ok(ctx, "list_tasks", { limit: "2", after: second.next });
    expect(last.tasks.map((x: { description: string }) => x.description)).toEqual(["e"]);
    expect(last.next).toBeUndefined();
    // A cursor that is not one of ours is refused with the field named.
    expect(await refused(ctx, "list_tasks", { after: "page-2" })).toMatch(
      /after is not a cursor of this list/,
    );

    await ok(ctx, "update_task_status", { task_id: first.tasks[0].id, done: false });
    const firstTest = (await ok(ctx, "list_tests", { task_id: first.tasks[0].id })).tests[0];
    await ok(ctx, "update_test_result", { test_id: firstTest.id, passes: true });
    await ok(ctx, "update_task_status", { task_id: first.tasks[0].id, done: true });
    const pending = await ok(ctx, "list_tasks", { epic_id: epic.id, only_pending: true });
    expect(pending.tasks.map((x: { description: string }) => x.description)).toEqual(["b", "c", "d", "e"]);
    expect(await refused(ctx, "list_tasks", { limit: 101 })).toMatch(/invalid arguments: limit: Too big/);
  });

  it("lists recent sessions compactly, newest first", async () => {
    const t = db();
    const ctx = await projectContext(t);
    const second = await t.stores.sessions.create(ctx.projectId, { type: "coding", model: "sonnet" });
    await t.stores.sessions.addUsage(second.id, { cost_usd: 0.25, tests_passed: 3 });
    const history = await ok(ctx, "get_session_history", { limit: 1 });
    expect(history).toEqual({
      sessions: [
        {
          number: 1,
          type: "coding",
          status: "pending",
          model: "sonnet",
          tasks_completed: 0,
          tests_passed: 3,
          cost_usd: 0.25,
        },
      ],
      more: true,
    });
    expect((await ok(ctx, "get_session_history")).sessions.map((s: { number: number }) => s.number)).toEqual([
      1, 0,
    ]);
  });

  it("defines every tool once, each with a short description", () => {
    const names = TASK_TOOLS.map((tool) => tool.name);
    expect(new Set(names).size).toBe(names.length);
    for (const tool of TASK_TOOLS) expect(tool.description.length, tool.name).toBeLessThanOrEqual(160);
  });
});
