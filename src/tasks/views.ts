import type { EpicSummary, TaskSummary } from "../db/stores/plan-reader.ts";
import type { Task, TaskWithTests, Test } from "../plan/model.ts";
import { type Progress, progressCounts } from "../plan/progress.ts";
import type { Session } from "../sessions/model.ts";

/**
 * What the task tools show the model: only the fields it acts on, without nulls or timestamps it
 * does not need, so results stay small. Counts read "passing/total".
 */

/** Drops null and undefined fields, so absent values cost no tokens. */
export function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== null && v !== undefined),
  ) as Partial<T>;
}

function ratio(part: number, whole: number): string {
  return `${part}/${whole}`;
}

export function testView(t: Test) {
  return compact({
    id: t.id,
    category: t.category,
    description: t.description,
    steps: t.steps,
    status: t.status,
    evidence: t.evidence,
  });
}

export function taskView(t: Task) {
  return compact({
    id: t.id,
    epic_id: t.epic_id,
    description: t.description,
    action: t.action || null,
    priority: t.priority,
    status: t.status,
    notes: t.notes,
  });
}

export function taskWithTestsView(t: TaskWithTests) {
  return { ...taskView(t), tests: t.tests.map(testView) };
}

/** One line of a task list: no action text, tests as passing/total. */
export function taskLineView(t: TaskSummary) {
  return {
    id: t.id,
    epic_id: t.epic_id,
    description: t.description,
    status: t.status,
    priority: t.priority,
    tests: ratio(t.tests_passing, t.tests_total),
  };
}

export function epicLineView(e: EpicSummary, withDescription: boolean) {
  return compact({
    id: e.id,
    name: e.name,
    description: withDescription ? e.description : null,
    status: e.status,
    priority: e.priority,
    tasks: ratio(e.tasks_done, e.tasks_total),
    tests: ratio(e.tests_passing, e.tests_total),
  });
}

export function progressView(p: Progress) {
  return { ...progressCounts(p), tests_percent: p.tests_percent, finished: p.finished };
}

export function sessionView(s: Session) {
  return compact({
    number: s.number,
    type: s.type,
    status: s.status,
    model: s.model,
    started_at: s.started_at,
    ended_at: s.ended_at,
    tasks_completed: s.tasks_completed,
    tests_passed: s.tests_passed,
    cost_usd: s.cost_usd,
    error: s.error,
    interruption_reason: s.interruption_reason,
  });
}
