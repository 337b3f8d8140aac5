import { runTaskTool, type TaskToolResult } from "./call.ts";
import {
  getEpic,
  getNextTask,
  getSessionHistory,
  getTask,
  listEpics,
  listTasks,
  listTests,
  taskStatus,
} from "./read-tools.ts";
import type { TaskTool, TaskToolContext } from "./tool.ts";
import {
  createEpic,
  createTask,
  createTest,
  expandEpic,
  markProjectComplete,
  startTask,
  updateTaskStatus,
  updateTestResult,
} from "./write-tools.ts";

export { type TaskToolResult, toCallToolResult } from "./call.ts";
export { measureTaskTools, type TaskToolDefinition, taskToolDefinitions } from "./definitions.ts";
export { TASK_SERVER_NAME, type TaskTool, type TaskToolContext } from "./tool.ts";

/** Every task tool, in the order a client lists them. */
export const TASK_TOOLS: readonly TaskTool[] = [
  taskStatus,
  getNextTask,
  listEpics,
  getEpic,
  listTasks,
  getTask,
  listTests,
  createEpic,
  createTask,
  createTest,
  expandEpic,
  startTask,
  updateTestResult,
  updateTaskStatus,
  markProjectComplete,
  getSessionHistory,
];

/** Runs one task tool by name: validated arguments, compact JSON on success, one line on refusal. */
export function callTaskTool(name: string, rawArgs: unknown, ctx: TaskToolContext): Promise<TaskToolResult> {
  return runTaskTool(TASK_TOOLS, name, rawArgs, ctx);
}
