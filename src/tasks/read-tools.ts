import { z } from "zod";
import type { Progress } from "../plan/progress.ts";
import { decodeTaskCursor, encodeTaskCursor } from "../plan/task-cursor.ts";
import { DEFAULT_LIMIT, defineTool, IdArg, LimitArg, page, type TaskToolContext } from "./tool.ts";
import {
  epicLineView,
  progressView,
  sessionView,
  taskLineView,
  taskWithTestsView,
  testView,
} from "./views.ts";

/** Why there is no next task, in words the model can act on. */
function noTaskReason(p: Progress): string {
  if (p.tasks_total === 0) return "the plan has no tasks yet: create epics and expand them";
  if (p.finished) return "every task is done and every test passes: call mark_project_complete";
  return "no task can be started: every open task is blocked or belongs to a finished epic";
}

async function nextTaskLine(ctx: TaskToolContext) {
  const next = await ctx.stores.plan.nextTask(ctx.projectId);
  return next ? { id: next.id, description: next.description, status: next.status } : null;
}

export const taskStatus = defineTool({
  name: "task_status",
  description: "Plan progress: epic, task and test counts, and the next task's id and description.",
  input: {},
  async run(_args, ctx) {
    const [progress, next] = await Promise.all([ctx.stores.plan.progress(ctx.projectId), nextTaskLine(ctx)]);
    return { ...progressView(progress), next_task: next };
  },
});

export const getNextTask = defineTool({
  name: "get_next_task",
  description:
    "The task to work on next (one in progress first, else by priority) with its action and tests; task null with the reason when none.",
  input: {},
  async run(_args, ctx) {
    const next = await ctx.stores.plan.nextTask(ctx.projectId);
    if (next) return { task: taskWithTestsView(next) };
    return { task: null, reason: noTaskReason(await ctx.stores.plan.progress(ctx.projectId)) };
  },
});

export const listEpics = defineTool({
  name: "list_epics",
  description:
    "Epics in plan order with status and tasks done/total, tests passing/total. needs_expansion: only epics without tasks, with descriptions.",
  input: { needs_expansion: z.boolean().optional() },
  async run(args, ctx) {
    const needsExpansion = args.needs_expansion === true;
    const epics = await ctx.stores.plan.listEpics(ctx.projectId, { needsExpansion });
    return { epics: epics.map((e) => epicLineView(e, needsExpansion)) };
  },
});

export const getEpic = defineTool({
  name: "get_epic",
  description: "One epic with its description and its tasks (tests as passing/total).",
  input: { epic_id: IdArg },
  async run(args, ctx) {
    const epic = await ctx.stores.plan.getEpic(ctx.projectId, args.epic_id);
    return { ...epicLineView(epic, true), tasks: epic.tasks.map(taskLineView) };
  },
});

export const listTasks = defineTool({
  name: "list_tasks",
  description: `Tasks in plan order, paged (limit default ${DEFAULT_LIMIT}); next: pass it as after for the next page. only_pending: tasks not done.`,
  input: {
    epic_id: IdArg.optional(),
    only_pending: z.boolean().optional(),
    limit: LimitArg,
    after: z.string().optional(),
  },
  async run(args, ctx) {
    const { tasks, next } = await ctx.stores.plan.pageTasks(ctx.projectId, {
      ...(args.epic_id === undefined ? {} : { epic_id: args.epic_id }),
      ...(args.only_pending ? { status: "open" as const } : {}),
      ...(args.after === undefined ? {} : { after: decodeTaskCursor(args.after) }),
      limit: args.limit ?? DEFAULT_LIMIT,
    });
    // An empty list for an epic id: make sure the epic exists in this project (else "not found").
    if (tasks.length === 0 && args.epic_id !== undefined)
      await ctx.stores.plan.getEpic(ctx.projectId, args.epic_id);
    return { tasks: tasks.map(taskLineView), ...(next ? { next: encodeTaskCursor(next) } : {}) };
  },
});

export const getTask = defineTool({
  name: "get_task",
  description: "One task with its action, notes and tests (steps, status, evidence).",
  input: { task_id: IdArg },
  async run(args, ctx) {
    return taskWithTestsView(await ctx.stores.plan.getTask(ctx.projectId, args.task_id));
  },
});

export const listTests = defineTool({
  name: "list_tests",
  description: "A task's tests with steps, status and evidence.",
  input: { task_id: IdArg },
  async run(args, ctx) {
    const tests = await ctx.stores.plan.listTests(ctx.projectId, { task_id: args.task_id });
    return { tests: tests.map(testView) };
  },
});

export const getSessionHistory = defineTool({
  name: "get_session_history",
  description:
    "Recent sessions, newest first (default 5): number, type, status, tasks completed, tests passed, cost.",
  input: { limit: LimitArg },
  async run(args, ctx) {
    const limit = args.limit ?? 5;
    const rows = await ctx.stores.sessions.list(ctx.projectId, { limit: limit + 1 });
    const { items, more } = page(rows, limit);
    return { sessions: items.map(sessionView), ...(more ? { more } : {}) };
  },
});
