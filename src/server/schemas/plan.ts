/** The API's plan shapes: the core's views (status-report, coverage, progress) as zod schemas. */
import { z } from "zod";
import { COVERAGE_BANDS, type Coverage as CoverageView } from "../../plan/coverage.ts";
import { EpicStatus, TaskStatus, TEST_CATEGORIES, type TestCategory } from "../../plan/model.ts";
import type { ProgressSummary as ProgressSummaryView } from "../../plan/progress.ts";
import type { EpicLine as EpicLineView, TaskLine as TaskLineView } from "../../projects/status-report.ts";

const Count = z.number().int().min(0);
const Percent = z.number().min(0).max(100);

export const ProgressSummary = z.object({
  epics: z.object({ done: Count, total: Count }),
  tasks: z.object({ done: Count, in_progress: Count, blocked: Count, total: Count, percent: Percent }),
  tests: z.object({ passing: Count, failing: Count, unknown: Count, total: Count, percent: Percent }),
  /** Every task done and every test passing. */
  finished: z.boolean(),
}) satisfies z.ZodType<ProgressSummaryView>;

export const NextTask = z.object({
  id: z.number().int(),
  epic_id: z.number().int(),
  description: z.string(),
  status: TaskStatus,
});

export const EpicLine = z.object({
  id: z.number().int(),
  name: z.string(),
  status: EpicStatus,
  priority: z.number().int(),
  tasks: z.object({ done: Count, total: Count, percent: Percent }),
  tests: z.object({ passing: Count, total: Count, percent: Percent }),
}) satisfies z.ZodType<EpicLineView>;

export const TaskLine = z.object({
  id: z.number().int(),
  epic_id: z.number().int(),
  description: z.string(),
  status: TaskStatus,
  priority: z.number().int(),
  tests: z.object({ passing: Count, failing: Count, total: Count }),
}) satisfies z.ZodType<TaskLineView>;

export const EpicDetail = EpicLine.extend({ description: z.string(), tasks: z.array(TaskLine) });

const byCategory = z.object(
  Object.fromEntries(TEST_CATEGORIES.map((c) => [c, Count])) as Record<TestCategory, typeof Count>,
);

export const Coverage = z.object({
  band: z.enum(COVERAGE_BANDS),
  gaps: z.array(z.string()),
  tasks: z.object({
    total: Count,
    with_tests: Count,
    without_tests: z.array(
      z.object({ id: z.number().int(), epic_id: z.number().int(), description: z.string() }),
    ),
  }),
  tests: z.object({
    total: Count,
    per_task: z.object({ min: z.number(), avg: z.number(), max: z.number() }),
    by_category: byCategory,
  }),
  epics: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      tasks: Count,
      tests: Count,
      passing: Count,
      functional: Count,
    }),
  ),
}) satisfies z.ZodType<CoverageView>;
