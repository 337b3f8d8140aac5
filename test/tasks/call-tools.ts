import { expect } from "vitest";
import type { TaskToolContext } from "../../src/tasks/tools.ts";
import { callTaskTool } from "../../src/tasks/tools.ts";
import type { TestDatabase } from "../helpers/databases.ts";
import { makeProject, taskInput } from "../stores/fixtures.ts";

/** Calls a tool and returns its parsed JSON; fails the test on an error result. */
export async function ok(ctx: TaskToolContext, name: string, args: unknown = {}) {
  const result = await callTaskTool(name, args, ctx);
  if (result.isError) throw new Error(`${name} returned an error: ${result.text}`);
  return JSON.parse(result.text);
}

/** Calls a tool that must refuse and returns its one-line message. */
export async function refused(ctx: TaskToolContext, name: string, args: unknown = {}): Promise<string> {
  const result = await callTaskTool(name, args, ctx);
  expect(result.isError, `${name} should have refused, got ${result.text}`).toBe(true);
  expect(result.text).not.toContain("\n");
  return result.text;
}

export async function projectContext(t: TestDatabase, withSession = true): Promise<TaskToolContext> {
  const project = await makeProject(t);
  const session = withSession
    ? await t.stores.sessions.create(project.id, { type: "coding", model: "sonnet" })
    : null;
  return { stores: t.stores, projectId: project.id, sessionId: session?.id ?? null };
}

/** One epic with one task of `tests` tests; returns the ids. */
export async function planOneTask(ctx: TaskToolContext, tests = 2) {
  const epic = await ok(ctx, "create_epic", {
    name: "Accounts",
    description: "Sign-up and login",
    priority: 1,
  });
  const expanded = await ok(ctx, "expand_epic", {
    epic_id: epic.id,
    tasks: [taskInput("Sign-up form", tests)],
  });
  const task = expanded.tasks[0] as { id: number; tests: number[] };
  return { epicId: epic.id as number, taskId: task.id, testIds: task.tests };
}
