import { z } from "zod";
import { NewEpic, NewTask, NewTest } from "../plan/model.ts";
import { defineTool, IdArg, type TaskToolContext } from "./tool.ts";

// Field rules come from the plan model; the tools only add words for the model where a name is not enough.
const priority = NewTask.shape.priority.describe("lower first");
const evidence = z.string().max(20_000).optional().describe("what you saw");

/** Adds to the calling session's counters (only inside a session). */
async function count(ctx: TaskToolContext, counter: "tasks_completed" | "tests_passed"): Promise<void> {
  if (ctx.sessionId !== null) await ctx.stores.sessions.addUsage(ctx.sessionId, { [counter]: 1 });
}

export const createEpic = defineTool({
  name: "create_epic",
  description: "Creates an epic (a feature area). Refused if the name is taken.",
  input: { ...NewEpic.shape, priority: NewEpic.shape.priority.describe("lower first") },
  async run(args, ctx) {
    const epic = await ctx.stores.plan.createEpic(ctx.projectId, args);
    return { id: epic.id, name: epic.name };
  },
});

export const createTask = defineTool({
  name: "create_task",
  description: "Adds one task to an epic.",
  input: {
    epic_id: IdArg,
    description: NewTask.shape.description,
    action: NewTask.shape.action,
    priority,
  },
  async run({ epic_id, ...task }, ctx) {
    const created = await ctx.stores.plan.createTask(ctx.projectId, epic_id, task);
    return { id: created.id, epic_id: created.epic_id };
  },
});

export const createTest = defineTool({
  name: "create_test",
  description: "Adds a test to a task; a done task is reopened.",
  input: { task_id: IdArg, ...NewTest.shape },
  async run({ task_id, ...test }, ctx) {
    const task = await ctx.stores.plan.getTask(ctx.projectId, task_id);
    const created = await ctx.stores.plan.createTest(ctx.projectId, task.id, test);
    return { id: created.id, task_id: task.id, ...(task.status === "done" ? { task_reopened: true } : {}) };
  },
});

export const expandEpic = defineTool({
  name: "expand_epic",
  description: "Adds all of an epic's tasks with their tests in one call; all or nothing.",
  input: { epic_id: IdArg, tasks: z.array(NewTask) },
  async run(args, ctx) {
    const created = await ctx.stores.plan.expandEpic(ctx.projectId, args.epic_id, args.tasks);
    return {
      epic_id: created[0]?.epic_id ?? args.epic_id,
      tasks: created.map((t) => ({ id: t.id, tests: t.tests.map((s) => s.id) })),
    };
  },
});

export const startTask = defineTool({
  name: "start_task",
  description: "Marks a task in progress.",
  input: { task_id: IdArg },
  async run(args, ctx) {
    const task = await ctx.stores.plan.startTask(ctx.projectId, args.task_id, ctx.sessionId);
    return { id: task.id, status: task.status };
  },
});

export const updateTestResult = defineTool({
  name: "update_test_result",
  description:
    "Records a test you verified, with evidence; a failure reopens a done task. Returns the task's tests passing/total.",
  input: { test_id: IdArg, passes: z.boolean(), evidence },
  async run(args, ctx) {
    const result = await ctx.stores.plan.recordTestResult(ctx.projectId, args.test_id, {
      passes: args.passes,
      evidence: args.evidence ?? null,
      sessionId: ctx.sessionId,
    });
    if (args.passes && result.previous_status !== "passing") await count(ctx, "tests_passed");
    const task = await ctx.stores.plan.getTask(ctx.projectId, result.test.task_id);
    const passing = task.tests.filter((t) => t.status === "passing").length;
    return {
      id: result.test.id,
      status: result.test.status,
      task_id: task.id,
      task_tests: `${passing}/${task.tests.length}`,
      ...(result.reopened_task ? { task_reopened: true } : {}),
    };
  },
});

export const updateTaskStatus = defineTool({
  name: "update_task_status",
  description:
    "done=true marks a task done, refused while any of its tests is not passing (names them); done=false puts it back to pending.",
  input: { task_id: IdArg, done: z.boolean() },
  async run(args, ctx) {
    const before = await ctx.stores.plan.getTask(ctx.projectId, args.task_id);
    const task = await ctx.stores.plan.setTaskStatus(
      ctx.projectId,
      before.id,
      args.done ? "done" : "pending",
      args.done ? { sessionId: ctx.sessionId } : {},
    );
    if (task.status === "done" && before.status !== "done") await count(ctx, "tasks_completed");
    return { id: task.id, status: task.status };
  },
});

export const markProjectComplete = defineTool({
  name: "mark_project_complete",
  description: "Marks the project complete; refused while a task is open or a test is not passing.",
  input: {},
  async run(_args, ctx) {
    const project = await ctx.stores.projects.markComplete(ctx.projectId);
    return { project: project.name, status: project.status };
  },
});
