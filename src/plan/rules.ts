import { fail } from "../errors.ts";
import type { EpicStatus, TaskStatus, Test } from "./model.ts";

/** Which task status changes are allowed. `done` is further gated by the task's tests. */
const TASK_TRANSITIONS: Record<TaskStatus, readonly TaskStatus[]> = {
  pending: ["in_progress", "done", "blocked"],
  in_progress: ["pending", "done", "blocked"],
  blocked: ["pending", "in_progress"],
  done: ["pending", "in_progress"],
};

export function assertTaskTransition(taskId: number, from: TaskStatus, to: TaskStatus): void {
  if (from === to) return;
  if (!TASK_TRANSITIONS[from].includes(to)) {
    throw fail("BATON_TASK_INVALID_TRANSITION", {
      task_id: taskId,
      from,
      to,
      allowed: TASK_TRANSITIONS[from],
    });
  }
}

/** A task cannot become done while any of its tests is not passing. The error names them. */
export function assertTestsAllowDone(
  taskId: number,
  tests: readonly Pick<Test, "id" | "status" | "description">[],
): void {
  const notPassing = tests.filter((t) => t.status !== "passing");
  if (notPassing.length === 0) return;
  const list = notPassing.map((t) => `#${t.id} ${t.status}: ${t.description}`).join("; ");
  throw fail("BATON_TASK_TESTS_NOT_PASSING", {
    task_id: taskId,
    tests: notPassing.map((t) => ({ id: t.id, status: t.status })),
    reason: `${notPassing.length} of its ${tests.length} tests are not passing (${list}). Verify each one and record it with update_test_result first.`,
  });
}

/** An epic's status follows its tasks: done when all are done, in progress once any has started. */
export function epicStatusFor(taskStatuses: readonly TaskStatus[]): EpicStatus {
  if (taskStatuses.length > 0 && taskStatuses.every((s) => s === "done")) return "done";
  if (taskStatuses.some((s) => s === "in_progress" || s === "done")) return "in_progress";
  return "pending";
}

/** The project cannot be marked complete while any task is open or any test is not passing. */
export function assertProjectCanComplete(
  projectName: string,
  open: { tasks_total: number; open_task_ids: number[]; tests_not_passing: number },
): void {
  if (open.tasks_total === 0) {
    throw fail("BATON_PROJECT_NOT_COMPLETE", {
      project: projectName,
      reason: "has no plan yet; initialize it before marking it complete",
    });
  }
  if (open.open_task_ids.length === 0 && open.tests_not_passing === 0) return;
  const shown = open.open_task_ids.slice(0, 10).join(", ");
  const more = open.open_task_ids.length > 10 ? ` and ${open.open_task_ids.length - 10} more` : "";
  const tasksPart =
    open.open_task_ids.length > 0 ? `${open.open_task_ids.length} open tasks (${shown}${more})` : "";
  const testsPart = open.tests_not_passing > 0 ? `${open.tests_not_passing} tests not passing` : "";
  throw fail("BATON_PROJECT_NOT_COMPLETE", {
    project: projectName,
    open_task_ids: open.open_task_ids,
    tests_not_passing: open.tests_not_passing,
    reason: `cannot be marked complete: ${[tasksPart, testsPart].filter(Boolean).join(" and ")}`,
  });
}
