import type { NewTask } from "../../src/plan/model.ts";
import type { Project } from "../../src/projects/model.ts";
import type { TestDatabase } from "../helpers/databases.ts";

let counter = 0;

export async function makeProject(t: TestDatabase, name?: string): Promise<Project> {
  counter += 1;
  const n = name ?? `app-${counter}`;
  return t.stores.projects.create({ name: n, directory: `/tmp/generations/${n}-${counter}` });
}

export function taskInput(description: string, tests = 1, priority?: number): NewTask {
  return {
    description,
    action: `Implement: ${description}`,
    ...(priority === undefined ? {} : { priority }),
    tests: Array.from({ length: tests }, (_, i) => ({
      category: "functional" as const,
      description: `${description} works (${i + 1})`,
      steps: ["open the page", "check the result"],
    })),
  };
}

/** Marks every test of a task passing, then the task done. */
export async function finishTask(t: TestDatabase, projectId: number, taskId: number): Promise<void> {
  const task = await t.stores.plan.getTask(projectId, taskId);
  for (const test of task.tests) {
    await t.stores.plan.recordTestResult(projectId, test.id, { passes: true, evidence: "seen" });
  }
  await t.stores.plan.setTaskStatus(projectId, taskId, "done");
}
