import { fail } from "../../errors.ts";
import type { Epic, Task, Test } from "../../plan/model.ts";
import type { Db } from "../database.ts";
import type { TestRow } from "../schema.ts";

/** Row helpers shared by the plan reader and writer: scoped lookups that fail with the right code. */
export type Executor = Pick<Db, "selectFrom" | "insertInto" | "updateTable" | "deleteFrom">;

export function toTest(row: TestRow): Test {
  return { ...row, steps: JSON.parse(row.steps) as string[] };
}

/** Ids come from models and URLs as numbers or strings; anything else is not found. */
export function toId(value: number | string): number {
  const n = typeof value === "number" ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : -1;
}

export async function epicIn(db: Executor, projectId: number, epicId: number | string): Promise<Epic> {
  const row = await db
    .selectFrom("epics")
    .selectAll()
    .where("id", "=", toId(epicId))
    .where("project_id", "=", projectId)
    .executeTakeFirst();
  if (!row) {
    throw fail("BATON_EPIC_NOT_FOUND", {
      project_id: projectId,
      epic_id: epicId,
      hint: "list_epics shows the epics",
    });
  }
  return row;
}

export async function taskIn(db: Executor, projectId: number, taskId: number | string): Promise<Task> {
  const row = await db
    .selectFrom("tasks")
    .selectAll()
    .where("id", "=", toId(taskId))
    .where("project_id", "=", projectId)
    .executeTakeFirst();
  if (!row) {
    throw fail("BATON_TASK_NOT_FOUND", {
      project_id: projectId,
      task_id: taskId,
      hint: "list_tasks shows the tasks",
    });
  }
  return row;
}

export async function testIn(db: Executor, projectId: number, testId: number | string): Promise<Test> {
  const row = await db
    .selectFrom("tests")
    .selectAll()
    .where("id", "=", toId(testId))
    .where("project_id", "=", projectId)
    .executeTakeFirst();
  if (!row) {
    throw fail("BATON_TEST_NOT_FOUND", {
      project_id: projectId,
      test_id: testId,
      hint: "list_tests shows a task's tests",
    });
  }
  return toTest(row);
}

export async function testsOfTask(db: Executor, taskId: number): Promise<Test[]> {
  const rows = await db.selectFrom("tests").selectAll().where("task_id", "=", taskId).orderBy("id").execute();
  return rows.map(toTest);
}
