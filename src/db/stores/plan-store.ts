import { fail, projectNotFound } from "../../errors.ts";
import type { EventPayload } from "../../events/catalog.ts";
import {
  type Epic,
  NewEpic,
  NewTask,
  NewTest,
  type Task,
  type TaskStatus,
  type TaskWithTests,
  type Test,
  type TestStatus,
} from "../../plan/model.ts";
import { assertTaskTransition, assertTestsAllowDone, epicStatusFor } from "../../plan/rules.ts";
import { isoNow } from "../clock.ts";
import { isForeignKeyViolation, isUniqueViolation } from "../sql-errors.ts";
import { parseInput } from "../validate.ts";
import { withEvents } from "./event-log.ts";
import { PlanReader } from "./plan-reader.ts";
import { type Executor, epicIn, taskIn, testIn, testsOfTask, toTest } from "./plan-rows.ts";

export interface TestResult {
  test: Test;
  /** The test's status before this result, read in the same transaction (to count transitions). */
  previous_status: TestStatus;
  /** The task was done and this failing result reopened it. */
  reopened_task: boolean;
}

/**
 * The plan aggregate: epics → tasks → tests of one project. Every id is checked against the
 * project, so a session scoped to one project can never touch another's plan. Invariants:
 * - a task becomes done only while every one of its tests passes;
 * - a done task whose test fails (or that gains a new test) is reopened, so "done" always means
 *   "all of its tests pass";
 * - an epic's status follows its tasks.
 */
export class PlanStore extends PlanReader {
  async createEpic(projectId: number, input: NewEpic): Promise<Epic> {
    const e = parseInput(NewEpic, input, "epic");
    const now = isoNow(this.deps.clock);
    try {
      return await withEvents(this.deps, async (trx, emit) => {
        const epic = await trx
          .insertInto("epics")
          .values({ project_id: projectId, ...e, status: "pending", created_at: now, updated_at: now })
          .returningAll()
          .executeTakeFirstOrThrow();
        await emit({ project_id: projectId }, "plan_added", {
          added: "epic",
          task_ids: [],
          test_ids: [],
        });
        return epic;
      });
    } catch (error) {
      throw this.mapInsertError(error, projectId, e.name);
    }
  }

  async createTask(projectId: number, epicId: number | string, input: NewTask): Promise<TaskWithTests> {
    const t = parseInput(NewTask, input, "task");
    return withEvents(this.deps, async (trx, emit) => {
      const epic = await epicIn(trx, projectId, epicId);
      const task = await this.insertTask(trx, epic, t);
      await this.syncEpic(trx, epic.id);
      await emit({ project_id: projectId }, "plan_added", added([task]));
      return task;
    });
  }

  /** Adds a whole epic's tasks (and their tests) in one transaction: all or nothing. */
  async expandEpic(projectId: number, epicId: number | string, inputs: NewTask[]): Promise<TaskWithTests[]> {
    const tasks = inputs.map((input, i) => parseInput(NewTask, input, `task ${i + 1}`));
    if (tasks.length === 0) {
      throw fail("BATON_VALIDATION", { field: "tasks", reason: "invalid expansion: give at least one task" });
    }
    return withEvents(this.deps, async (trx, emit) => {
      const epic = await epicIn(trx, projectId, epicId);
      const inserted: TaskWithTests[] = [];
      for (const t of tasks) inserted.push(await this.insertTask(trx, epic, t));
      await this.syncEpic(trx, epic.id);
      await emit({ project_id: projectId }, "plan_added", added(inserted));
      return inserted;
    });
  }

  async createTest(projectId: number, taskId: number | string, input: NewTest): Promise<Test> {
    const t = parseInput(NewTest, input, "test");
    return withEvents(this.deps, async (trx, emit) => {
      const task = await taskIn(trx, projectId, taskId);
      const [test] = (await this.insertTests(trx, task, [t])) as [Test];
      // A new test is not passing yet, so a done task is no longer done.
      if (task.status === "done") await this.reopen(trx, task, "a new test was added");
      await emit({ project_id: projectId }, "plan_added", {
        added: "test",
        task_ids: [task.id],
        test_ids: [test.id],
      });
      return test;
    });
  }

  async startTask(
    projectId: number,
    taskId: number | string,
    sessionId: number | null = null,
  ): Promise<Task> {
    return this.setTaskStatus(projectId, taskId, "in_progress", { sessionId });
  }

  /** Changes a task's status; `done` is refused while any of its tests is not passing. */
  async setTaskStatus(
    projectId: number,
    taskId: number | string,
    status: TaskStatus,
    options: { sessionId?: number | null; notes?: string } = {},
  ): Promise<Task> {
    return withEvents(this.deps, async (trx, emit) => {
      const task = await taskIn(trx, projectId, taskId);
      assertTaskTransition(task.id, task.status, status);
      if (status === "done") assertTestsAllowDone(task.id, await testsOfTask(trx, task.id));
      const now = isoNow(this.deps.clock);
      const updated = await trx
        .updateTable("tasks")
        .set({
          status,
          updated_at: now,
          ...(options.sessionId === undefined ? {} : { session_id: options.sessionId }),
          ...(options.notes === undefined ? {} : { notes: options.notes }),
          ...(status === "in_progress" && task.started_at === null ? { started_at: now } : {}),
          completed_at: status === "done" ? now : null,
        })
        .where("id", "=", task.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.syncEpic(trx, task.epic_id);
      await emit({ project_id: projectId }, "plan_changed", {
        change: "task_status",
        task_ids: [task.id],
        test_ids: [],
      });
      return updated;
    });
  }

  /** Records a verification of one test. A failure on a done task reopens the task. */
  async recordTestResult(
    projectId: number,
    testId: number | string,
    result: { passes: boolean; evidence?: string | null; sessionId?: number | null },
  ): Promise<TestResult> {
    return withEvents(this.deps, async (trx, emit) => {
      const test = await testIn(trx, projectId, testId);
      const now = isoNow(this.deps.clock);
      const row = await trx
        .updateTable("tests")
        .set({
          status: result.passes ? "passing" : "failing",
          verified_at: now,
          updated_at: now,
          evidence: result.evidence ?? null,
          session_id: result.sessionId ?? null,
        })
        .where("id", "=", test.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      let reopened = false;
      if (!result.passes) {
        const task = await taskIn(trx, projectId, test.task_id);
        if (task.status === "done") {
          await this.reopen(trx, task, `test ${test.id} failed`);
          reopened = true;
        }
      }
      await emit({ project_id: projectId }, "plan_changed", {
        change: "test_result",
        task_ids: [test.task_id],
        test_ids: [test.id],
      });
      return { test: toTest(row), previous_status: test.status, reopened_task: reopened };
    });
  }

  private async insertTask(
    trx: Executor,
    epic: Epic,
    t: ReturnType<typeof NewTask.parse>,
  ): Promise<TaskWithTests> {
    const now = isoNow(this.deps.clock);
    const task = await trx
      .insertInto("tasks")
      .values({
        project_id: epic.project_id,
        epic_id: epic.id,
        description: t.description,
        action: t.action,
        priority: t.priority,
        status: "pending",
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { ...task, tests: await this.insertTests(trx, task, t.tests) };
  }

  private async insertTests(
    trx: Executor,
    task: Task,
    tests: ReturnType<typeof NewTest.parse>[],
  ): Promise<Test[]> {
    if (tests.length === 0) return [];
    const now = isoNow(this.deps.clock);
    const rows = await trx
      .insertInto("tests")
      .values(
        tests.map((t) => ({
          project_id: task.project_id,
          task_id: task.id,
          category: t.category,
          description: t.description,
          steps: JSON.stringify(t.steps),
          status: "unknown" as const,
          created_at: now,
          updated_at: now,
        })),
      )
      .returningAll()
      .execute();
    return rows.map(toTest).sort((a, b) => a.id - b.id);
  }

  private async reopen(trx: Executor, task: Task, why: string): Promise<void> {
    const now = isoNow(this.deps.clock);
    await trx
      .updateTable("tasks")
      .set({
        status: "pending",
        completed_at: null,
        updated_at: now,
        notes: task.notes ? `${task.notes}\nreopened: ${why}` : `reopened: ${why}`,
      })
      .where("id", "=", task.id)
      .execute();
    await this.syncEpic(trx, task.epic_id);
  }

  /** Keeps an epic's status in step with its tasks (see epicStatusFor). */
  private async syncEpic(trx: Executor, epicId: number): Promise<void> {
    const tasks = await trx.selectFrom("tasks").select("status").where("epic_id", "=", epicId).execute();
    const status = epicStatusFor(tasks.map((t) => t.status));
    const now = isoNow(this.deps.clock);
    await trx
      .updateTable("epics")
      .set({ status, updated_at: now, completed_at: status === "done" ? now : null })
      .where("id", "=", epicId)
      .where("status", "!=", status)
      .execute();
  }

  private mapInsertError(error: unknown, projectId: number, epicName: string): unknown {
    if (isUniqueViolation(error)) {
      return fail("BATON_EPIC_EXISTS", { name: epicName });
    }
    if (isForeignKeyViolation(error)) {
      return projectNotFound(projectId);
    }
    return error;
  }
}

/** The plan_added event of tasks just created with their tests. */
function added(tasks: TaskWithTests[]): EventPayload<"plan_added"> {
  return {
    added: "tasks",
    task_ids: tasks.map((t) => t.id),
    test_ids: tasks.flatMap((t) => t.tests.map((test) => test.id)),
  };
}
