/** The benchmarks' plan: 25 epics × 12 tasks × 3 tests (900 tests), the first third of the tasks done. */
import type { Stores } from "../src/db/stores/index.ts";

export const EPICS = 25;
export const TASKS_PER_EPIC = 12;
export const TESTS_PER_TASK = 3;

/**
 * Creates the project and its plan of `epics` epics (900 tests by default; 139 epics make 5,004);
 * returns its id and the tests of the tasks left open.
 */
export async function buildPlan(
  stores: Stores,
  directory: string,
  epics = EPICS,
  name = "bench",
): Promise<{ projectId: number; openTestIds: number[] }> {
  const project = await stores.projects.create({ name, directory });
  const openTestIds: number[] = [];
  let taskIndex = 0;
  for (let e = 0; e < epics; e++) {
    const epic = await stores.plan.createEpic(project.id, { name: `Epic ${e + 1}`, priority: e });
    const tasks = await stores.plan.expandEpic(
      project.id,
      epic.id,
      Array.from({ length: TASKS_PER_EPIC }, (_, t) => ({
        description: `Task ${e + 1}.${t + 1}`,
        action: "Build the feature described in the spec, then verify it in the browser.",
        priority: t,
        tests: Array.from({ length: TESTS_PER_TASK }, (_, k) => ({
          category: "functional" as const,
          description: `Check ${k + 1} of task ${e + 1}.${t + 1}`,
          steps: ["open the app", "do the thing", "see the result"],
        })),
      })),
    );
    for (const task of tasks) {
      if (++taskIndex > (epics * TASKS_PER_EPIC) / 3) {
        openTestIds.push(...task.tests.map((t) => t.id));
        continue;
      }
      for (const test of task.tests)
        await stores.plan.recordTestResult(project.id, test.id, { passes: true });
      await stores.plan.setTaskStatus(project.id, task.id, "done");
    }
  }
  const progress = await stores.plan.progress(project.id);
  if (progress.tests_total !== epics * TASKS_PER_EPIC * TESTS_PER_TASK) throw new Error("plan was not built");
  return { projectId: project.id, openTestIds };
}
