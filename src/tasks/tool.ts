import { z } from "zod";
import type { Stores } from "../db/stores/index.ts";

/** What a task tool runs against: one project's plan, and the session calling it (null outside sessions). */
/** The MCP server name of the task tools: models call them as `mcp__tasks__<tool>`. */
export const TASK_SERVER_NAME = "tasks";

export interface TaskToolContext {
  stores: Stores;
  projectId: number;
  sessionId: number | null;
}

/**
 * One task tool, independent of any MCP SDK: a name, a short description for the model, a zod raw
 * shape of its arguments (the MCP servers turn it into the JSON schema), and what it does. `run`
 * returns a plain value that becomes compact JSON; expected failures are thrown as BatonErrors.
 */
export interface TaskTool<Shape extends z.ZodRawShape = z.ZodRawShape> {
  readonly name: string;
  readonly description: string;
  readonly input: Shape;
  run(args: z.output<z.ZodObject<Shape>>, ctx: TaskToolContext): Promise<unknown>;
}

/** Keeps each tool's argument types while collecting tools of different shapes in one list. */
export function defineTool<Shape extends z.ZodRawShape>(tool: TaskTool<Shape>): TaskTool {
  return tool;
}

/** Models sometimes send numbers as strings ("12"); whole-number strings are read as numbers. */
function numeric<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : v), schema);
}

/** Ids are 32-bit integer columns; a larger number can name nothing. */
const MAX_ID = 2_147_483_647;

/** The one id argument: a positive integer, given as a number or a numeric string. */
export const IdArg = numeric(z.number().int().positive().max(MAX_ID));

/** Paging of lists: at most `limit` items after skipping `offset`. */
export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 100;
export const LimitArg = numeric(z.number().int().min(1).max(MAX_LIMIT)).optional();

/** A page of a list: the items, and `more: true` when the list goes on past them. */
export function page<T>(rows: T[], limit: number): { items: T[]; more?: true } {
  return rows.length > limit ? { items: rows.slice(0, limit), more: true } : { items: rows };
}
