/** Plan progress: counts from the store, percentages computed in one place. */
export interface PlanCounts {
  epics_total: number;
  epics_done: number;
  tasks_total: number;
  tasks_done: number;
  tasks_in_progress: number;
  tasks_blocked: number;
  tests_total: number;
  tests_passing: number;
  tests_failing: number;
}

export interface Progress extends PlanCounts {
  tests_unknown: number;
  tasks_percent: number;
  tests_percent: number;
  epics_percent: number;
  /** Every task done and every test passing (and there is a plan at all). */
  finished: boolean;
}

export function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10;
}

export function toProgress(counts: PlanCounts): Progress {
  return {
    ...counts,
    tests_unknown: counts.tests_total - counts.tests_passing - counts.tests_failing,
    tasks_percent: percent(counts.tasks_done, counts.tasks_total),
    tests_percent: percent(counts.tests_passing, counts.tests_total),
    epics_percent: percent(counts.epics_done, counts.epics_total),
    finished:
      counts.tasks_total > 0 &&
      counts.tasks_done === counts.tasks_total &&
      counts.tests_passing === counts.tests_total,
  };
}

/** Progress as nested counts, as the task tools and `baton status` show it. */
export function progressCounts(p: Progress) {
  return {
    epics: { done: p.epics_done, total: p.epics_total },
    tasks: {
      done: p.tasks_done,
      in_progress: p.tasks_in_progress,
      blocked: p.tasks_blocked,
      total: p.tasks_total,
    },
    tests: {
      passing: p.tests_passing,
      failing: p.tests_failing,
      unknown: p.tests_unknown,
      total: p.tests_total,
    },
  };
}

/** Progress as people read it (`baton status` and the API): nested counts with percentages. */
export function progressSummary(p: Progress) {
  const counts = progressCounts(p);
  return {
    epics: counts.epics,
    tasks: { ...counts.tasks, percent: p.tasks_percent },
    tests: { ...counts.tests, percent: p.tests_percent },
    finished: p.finished,
  };
}
export type ProgressSummary = ReturnType<typeof progressSummary>;
