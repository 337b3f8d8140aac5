import type { EpicSummary, PlanReader, TaskSummary, TestCount } from "../db/stores/plan-reader.ts";
import { TEST_CATEGORIES, type TestCategory } from "./model.ts";
import { percent } from "./progress.ts";

/**
 * How well a plan's tests cover it. The bands are defined here and nowhere else, from two shares:
 * the share of tasks that have at least one test, and the share of epics that have at least one
 * functional test. A band is earned when both shares reach its thresholds; best band first.
 *
 * | band | tasks with a test | epics with a functional test |
 * | ---- | ----------------- | ---------------------------- |
 * | good | all (1.0)         | all (1.0)                    |
 * | fair | at least 0.8      | at least 0.5                 |
 * | poor | anything less, or a plan without tasks           ||
 */
export const GOOD_COVERAGE = { tasksWithTests: 1, epicsWithFunctionalTests: 1 } as const;
export const FAIR_COVERAGE = { tasksWithTests: 0.8, epicsWithFunctionalTests: 0.5 } as const;

export const COVERAGE_BANDS = ["good", "fair", "poor"] as const;
export type CoverageBand = (typeof COVERAGE_BANDS)[number];

/** What each band means, in words, from the thresholds above. */
export const COVERAGE_BAND_MEANING: Record<CoverageBand, string> = {
  good: "every task has a test and every epic has a functional test",
  fair: `at least ${FAIR_COVERAGE.tasksWithTests * 100}% of tasks have a test and at least ${FAIR_COVERAGE.epicsWithFunctionalTests * 100}% of epics a functional test`,
  poor: "less than fair",
};

export interface CoverageShares {
  tasks: number;
  tasks_with_tests: number;
  epics: number;
  epics_with_functional_tests: number;
}

export function coverageBand(s: CoverageShares): CoverageBand {
  if (s.tasks === 0) return "poor";
  const taskShare = s.tasks_with_tests / s.tasks;
  const epicShare = s.epics === 0 ? 0 : s.epics_with_functional_tests / s.epics;
  const reaches = (t: { tasksWithTests: number; epicsWithFunctionalTests: number }) =>
    taskShare >= t.tasksWithTests && epicShare >= t.epicsWithFunctionalTests;
  if (reaches(GOOD_COVERAGE)) return "good";
  if (reaches(FAIR_COVERAGE)) return "fair";
  return "poor";
}

export interface EpicCoverage {
  id: number;
  name: string;
  tasks: number;
  tests: number;
  passing: number;
  functional: number;
}

export interface Coverage {
  band: CoverageBand;
  /** What keeps the plan from being good (empty when it is). */
  gaps: string[];
  tasks: {
    total: number;
    with_tests: number;
    without_tests: { id: number; epic_id: number; description: string }[];
  };
  tests: {
    total: number;
    per_task: { min: number; avg: number; max: number };
    by_category: Record<TestCategory, number>;
  };
  epics: EpicCoverage[];
}

/** Coverage of a plan from its epics and tasks (with their test counts) and its tests by epic and category. */
export function planCoverage(plan: {
  epics: readonly EpicSummary[];
  tasks: readonly TaskSummary[];
  testCounts: readonly TestCount[];
}): Coverage {
  const perTask = plan.tasks.map((t) => t.tests_total);
  const total = perTask.reduce((a, b) => a + b, 0);
  const byCategory = Object.fromEntries(TEST_CATEGORIES.map((c) => [c, 0])) as Record<TestCategory, number>;
  const functional = new Map<number, number>();
  for (const row of plan.testCounts) {
    byCategory[row.category] += row.total;
    if (row.category === "functional")
      functional.set(row.epic_id, (functional.get(row.epic_id) ?? 0) + row.total);
  }
  const epics = plan.epics.map((e) => ({
    id: e.id,
    name: e.name,
    tasks: e.tasks_total,
    tests: e.tests_total,
    passing: e.tests_passing,
    functional: functional.get(e.id) ?? 0,
  }));
  const withoutTests = plan.tasks
    .filter((t) => t.tests_total === 0)
    .map((t) => ({ id: t.id, epic_id: t.epic_id, description: t.description }));
  const shares: CoverageShares = {
    tasks: plan.tasks.length,
    tasks_with_tests: plan.tasks.length - withoutTests.length,
    epics: plan.epics.length,
    epics_with_functional_tests: epics.filter((e) => e.functional > 0).length,
  };
  const empty = perTask.length === 0;
  return {
    band: coverageBand(shares),
    gaps: coverageGaps(shares, epics),
    tasks: { total: shares.tasks, with_tests: shares.tasks_with_tests, without_tests: withoutTests },
    tests: {
      total,
      per_task: {
        min: empty ? 0 : Math.min(...perTask),
        avg: empty ? 0 : Math.round((total / perTask.length) * 10) / 10,
        max: empty ? 0 : Math.max(...perTask),
      },
      by_category: byCategory,
    },
    epics,
  };
}

/** Reads what coverage is computed from, and computes it (`baton coverage` and the API). */
export async function readPlanCoverage(
  plan: Pick<PlanReader, "listEpics" | "listTasks" | "testCounts">,
  projectId: number,
): Promise<Coverage> {
  const [epics, tasks, testCounts] = await Promise.all([
    plan.listEpics(projectId),
    plan.listTasks(projectId),
    plan.testCounts(projectId),
  ]);
  return planCoverage({ epics, tasks, testCounts });
}

function coverageGaps(s: CoverageShares, epics: readonly EpicCoverage[]): string[] {
  if (s.tasks === 0) return ["the plan has no tasks yet"];
  const gaps: string[] = [];
  const untested = s.tasks - s.tasks_with_tests;
  if (untested > 0) {
    gaps.push(`${untested} of ${s.tasks} tasks have no test (${percent(untested, s.tasks)}%)`);
  }
  const without = epics.filter((e) => e.functional === 0).map((e) => e.name);
  if (without.length > 0) {
    gaps.push(`${without.length} of ${s.epics} epics have no functional test: ${without.join(", ")}`);
  }
  return gaps;
}
