import type { ExpressionBuilder } from "kysely";
import type {
  Epic,
  Task,
  TaskStatus,
  TaskWithTests,
  Test,
  TestCategory,
  TestStatus,
} from "../../plan/model.ts";
import { isOpenTask, TASK_STATUSES } from "../../plan/model.ts";
import { type PlanCounts, type Progress, percent, toProgress } from "../../plan/progress.ts";
import type { TaskCursor } from "../../plan/task-cursor.ts";
import type { DatabaseSchema } from "../schema.ts";
import type { StoreDeps } from "./event-log.ts";
import { epicIn, taskIn, testsOfTask, toTest } from "./plan-rows.ts";
export const OPEN_TASK_STATUSES: readonly TaskStatus[] = TASK_STATUSES.filter(isOpenTask);

export interface EpicSummary extends Epic {
  tasks_total: number;
  tasks_done: number;
  tests_total: number;
  tests_passing: number;
  tasks_percent: number;
  tests_percent: number;
}

export interface TaskSummary extends Task {
  tests_total: number;
  tests_passing: number;
  tests_failing: number;
}

/** A task's summary from the task and its tests (what listTasks counts in SQL). */
export function summarizeTask<T extends Task>(task: T & { tests: readonly Test[] }): T & TaskSummary {
  const { tests, ...row } = task;
  return {
    ...(row as unknown as T),
    tests_total: tests.length,
    tests_passing: tests.filter((t) => t.status === "passing").length,
    tests_failing: tests.filter((t) => t.status === "failing").length,
  };
}

export interface TestCount {
  epic_id: number;
  category: TestCategory;
  total: number;
  passing: number;
}

export interface TaskFilter {
  epic_id?: number;
  /** A status, or "open" for every status but done. */
  status?: TaskStatus | "open";
}

// What progress counts in each table; shared by one project's progress and every project's.
const epicCounts = (eb: ExpressionBuilder<DatabaseSchema, "epics">) => [
  eb.fn.countAll<number>().as("total"),
  eb.fn.countAll<number>().filterWhere("status", "=", "done").as("done"),
];
const taskCounts = (eb: ExpressionBuilder<DatabaseSchema, "tasks">) => [
  eb.fn.countAll<number>().as("total"),
  eb.fn.countAll<number>().filterWhere("status", "=", "done").as("done"),
  eb.fn.countAll<number>().filterWhere("status", "=", "in_progress").as("in_progress"),
  eb.fn.countAll<number>().filterWhere("status", "=", "blocked").as("blocked"),
];
const testCounts = (eb: ExpressionBuilder<DatabaseSchema, "tests">) => [
  eb.fn.countAll<number>().as("total"),
  eb.fn.countAll<number>().filterWhere("status", "=", "passing").as("passing"),
  eb.fn.countAll<number>().filterWhere("status", "=", "failing").as("failing"),
];

type Counted<K extends string> = { [key in K]: number | string | bigint };

function planCounts(
  epics: Counted<"total" | "done">,
  tasks: Counted<"total" | "done" | "in_progress" | "blocked"> | undefined,
  tests: Counted<"total" | "passing" | "failing"> | undefined,
): PlanCounts {
  return {
    epics_total: Number(epics.total),
    epics_done: Number(epics.done),
    tasks_total: Number(tasks?.total ?? 0),
    tasks_done: Number(tasks?.done ?? 0),
    tasks_in_progress: Number(tasks?.in_progress ?? 0),
    tasks_blocked: Number(tasks?.blocked ?? 0),
    tests_total: Number(tests?.total ?? 0),
    tests_passing: Number(tests?.passing ?? 0),
    tests_failing: Number(tests?.failing ?? 0),
  };
}

/** Reads of the plan aggregate: progress, next task, epics, tasks and tests. No writes here. */
export class PlanReader {
  constructor(protected readonly deps: StoreDeps) {}

  async hasPlan(projectId: number): Promise<boolean> {
    const row = await this.deps.db
      .selectFrom("epics")
      .select("id")
      .where("project_id", "=", projectId)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async progress(projectId: number): Promise<Progress> {
    const { db } = this.deps;
    const [epics, tasks, tests] = await Promise.all([
      db.selectFrom("epics").select(epicCounts).where("project_id", "=", projectId).executeTakeFirstOrThrow(),
      db.selectFrom("tasks").select(taskCounts).where("project_id", "=", projectId).executeTakeFirstOrThrow(),
      db.selectFrom("tests").select(testCounts).where("project_id", "=", projectId).executeTakeFirstOrThrow(),
    ]);
    return toProgress(planCounts(epics, tasks, tests));
  }

  /** The progress of every project that has a plan, by project id: three queries for any number of projects. */
  async progressByProject(): Promise<Map<number, Progress>> {
    const { db } = this.deps;
    const [epics, tasks, tests] = await Promise.all([
      db
        .selectFrom("epics")
        .select((eb) => ["project_id", ...epicCounts(eb)])
        .groupBy("project_id")
        .execute(),
      db
        .selectFrom("tasks")
        .select((eb) => ["project_id", ...taskCounts(eb)])
        .groupBy("project_id")
        .execute(),
      db
        .selectFrom("tests")
        .select((eb) => ["project_id", ...testCounts(eb)])
        .groupBy("project_id")
        .execute(),
    ]);
    const tasksBy = new Map(tasks.map((r) => [r.project_id, r]));
    const testsBy = new Map(tests.map((r) => [r.project_id, r]));
    // A plan starts with an epic: projects without epics have no tasks or tests either.
    return new Map(
      epics.map((e) => [
        e.project_id,
        toProgress(planCounts(e, tasksBy.get(e.project_id), testsBy.get(e.project_id))),
      ]),
    );
  }

  /**
   * Tests counted by epic and category (total and passing), in no particular order; epics
   * without tests have no rows. What coverage is computed from.
   */
  async testCounts(projectId: number): Promise<TestCount[]> {
    const rows = await this.deps.db
      .selectFrom("tests")
      .innerJoin("tasks", "tasks.id", "tests.task_id")
      .select((eb) => [
        "tasks.epic_id",
        "tests.category",
        eb.fn.countAll<number>().as("total"),
        eb.fn.countAll<number>().filterWhere("tests.status", "=", "passing").as("passing"),
      ])
      .where("tests.project_id", "=", projectId)
      .groupBy(["tasks.epic_id", "tests.category"])
      .execute();
    return rows.map((r) => ({ ...r, total: Number(r.total), passing: Number(r.passing) }));
  }

  /**
   * The task to work on next: a task already in progress first, then open tasks of unfinished
   * epics by epic priority, task priority and id. Null when nothing is open.
   */
  async nextTask(projectId: number): Promise<TaskWithTests | null> {
    const task = await this.deps.db
      .selectFrom("tasks as t")
      .innerJoin("epics as e", "e.id", "t.epic_id")
      .selectAll("t")
      .where("t.project_id", "=", projectId)
      .where("t.status", "in", ["pending", "in_progress"])
      .where("e.status", "!=", "done")
      .orderBy((eb) => eb.case().when("t.status", "=", "in_progress").then(0).else(1).end())
      .orderBy("e.priority")
      .orderBy("e.id")
      .orderBy("t.priority")
      .orderBy("t.id")
      .limit(1)
      .executeTakeFirst();
    if (!task) return null;
    return { ...task, tests: await testsOfTask(this.deps.db, task.id) };
  }

  /** Epics in plan order with their progress; `needsExpansion` keeps only epics without tasks. */
  async listEpics(projectId: number, options: { needsExpansion?: boolean } = {}): Promise<EpicSummary[]> {
    const { db } = this.deps;
    const [epics, taskCounts, testCounts] = await Promise.all([
      db
        .selectFrom("epics")
        .selectAll()
        .where("project_id", "=", projectId)
        .orderBy("priority")
        .orderBy("id")
        .execute(),
      db
        .selectFrom("tasks")
        .select((eb) => [
          "epic_id",
          eb.fn.countAll<number>().as("total"),
          eb.fn.countAll<number>().filterWhere("status", "=", "done").as("done"),
        ])
        .where("project_id", "=", projectId)
        .groupBy("epic_id")
        .execute(),
      db
        .selectFrom("tests")
        .innerJoin("tasks", "tasks.id", "tests.task_id")
        .select((eb) => [
          "tasks.epic_id",
          eb.fn.countAll<number>().as("total"),
          eb.fn.countAll<number>().filterWhere("tests.status", "=", "passing").as("passing"),
        ])
        .where("tests.project_id", "=", projectId)
        .groupBy("tasks.epic_id")
        .execute(),
    ]);
    const tasksBy = new Map(taskCounts.map((c) => [c.epic_id, c]));
    const testsBy = new Map(testCounts.map((c) => [c.epic_id, c]));
    const summaries = epics.map((epic): EpicSummary => {
      const t = tasksBy.get(epic.id);
      const s = testsBy.get(epic.id);
      const tasks_total = Number(t?.total ?? 0);
      const tasks_done = Number(t?.done ?? 0);
      const tests_total = Number(s?.total ?? 0);
      const tests_passing = Number(s?.passing ?? 0);
      return {
        ...epic,
        tasks_total,
        tasks_done,
        tests_total,
        tests_passing,
        tasks_percent: percent(tasks_done, tasks_total),
        tests_percent: percent(tests_passing, tests_total),
      };
    });
    return options.needsExpansion ? summaries.filter((e) => e.tasks_total === 0) : summaries;
  }

  async getEpic(projectId: number, epicId: number | string): Promise<EpicSummary & { tasks: TaskSummary[] }> {
    const epic = await epicIn(this.deps.db, projectId, epicId);
    const [summary] = (await this.listEpics(projectId)).filter((e) => e.id === epic.id);
    const tasks = await this.listTasks(projectId, { epic_id: epic.id });
    // listEpics always contains an epic that epicIn just found in the same project.
    return { ...(summary as EpicSummary), tasks };
  }

  /** Tasks in plan order (epic priority, task priority, id), with their test counts. */
  /** Every task matching `filter`, in plan order. */
  async listTasks(projectId: number, filter: TaskFilter = {}): Promise<TaskSummary[]> {
    return (await this.pageTasks(projectId, filter)).tasks;
  }

  /**
   * Tasks matching `filter` in plan order, at most `limit` after `after` (keyset paging), with
   * the cursor of the next page (null on the last). Two queries whatever the page: the tasks,
   * then their test counts.
   */
  async pageTasks(
    projectId: number,
    filter: TaskFilter & { limit?: number; after?: TaskCursor } = {},
  ): Promise<{ tasks: TaskSummary[]; next: TaskCursor | null }> {
    const { db } = this.deps;
    let query = db
      .selectFrom("tasks as t")
      .innerJoin("epics as e", "e.id", "t.epic_id")
      .selectAll("t")
      .select("e.priority as epic_priority")
      .where("t.project_id", "=", projectId)
      .orderBy("e.priority")
      .orderBy("e.id")
      .orderBy("t.priority")
      .orderBy("t.id");
    if (filter.epic_id !== undefined) query = query.where("t.epic_id", "=", filter.epic_id);
    if (filter.status === "open") query = query.where("t.status", "in", OPEN_TASK_STATUSES);
    else if (filter.status !== undefined) query = query.where("t.status", "=", filter.status);
    const { after, limit } = filter;
    if (after !== undefined) {
      query = query.where((eb) =>
        eb(eb.refTuple("e.priority", "e.id", "t.priority", "t.id"), ">", eb.tuple(...after)),
      );
    }
    if (limit !== undefined) query = query.limit(limit + 1);
    const rows = await query.execute();
    const more = limit !== undefined && rows.length > limit;
    if (more) rows.length = limit;
    const counts = new Map<number, { total: number; passing: number; failing: number }>();
    const countTests = db
      .selectFrom("tests")
      .select((eb) => [
        "task_id",
        eb.fn.countAll<number>().as("total"),
        eb.fn.sum<number>(eb.case().when("status", "=", "passing").then(1).else(0).end()).as("passing"),
        eb.fn.sum<number>(eb.case().when("status", "=", "failing").then(1).else(0).end()).as("failing"),
      ])
      .groupBy("task_id");
    // A page: the tests of its tasks; the whole list (or a page too long for one statement's
    // parameters): every test of the project.
    const found =
      limit === undefined || rows.length > 1_000
        ? await countTests.where("project_id", "=", projectId).execute()
        : rows.length === 0
          ? []
          : await countTests
              .where(
                "task_id",
                "in",
                rows.map((r) => r.id),
              )
              .execute();
    for (const c of found) {
      counts.set(c.task_id, {
        total: Number(c.total),
        passing: Number(c.passing),
        failing: Number(c.failing),
      });
    }
    const tasks = rows.map(({ epic_priority: _, ...task }) => {
      const c = counts.get(task.id);
      return {
        ...task,
        tests_total: c?.total ?? 0,
        tests_passing: c?.passing ?? 0,
        tests_failing: c?.failing ?? 0,
      };
    });
    const last = rows.at(-1);
    return {
      tasks,
      next: more && last ? [last.epic_priority, last.epic_id, last.priority, last.id] : null,
    };
  }

  async getTask(projectId: number, taskId: number | string): Promise<TaskWithTests> {
    const task = await taskIn(this.deps.db, projectId, taskId);
    return { ...task, tests: await testsOfTask(this.deps.db, task.id) };
  }

  async listTests(
    projectId: number,
    filter: { task_id?: number | string; status?: TestStatus } = {},
  ): Promise<Test[]> {
    let query = this.deps.db
      .selectFrom("tests")
      .selectAll()
      .where("project_id", "=", projectId)
      .orderBy("id");
    if (filter.task_id !== undefined) {
      const task = await taskIn(this.deps.db, projectId, filter.task_id);
      query = query.where("task_id", "=", task.id);
    }
    if (filter.status !== undefined) query = query.where("status", "=", filter.status);
    return (await query.execute()).map(toTest);
  }
}
