import type { Stores } from "../db/stores/index.ts";
import { type EpicSummary, summarizeTask, type TaskSummary } from "../db/stores/plan-reader.ts";
import { fail, isBatonError } from "../errors.ts";
import type { TaskStatus, TaskWithTests } from "../plan/model.ts";
import { type Progress, progressSummary } from "../plan/progress.ts";
import type { Session } from "../sessions/model.ts";
import { unitCosts } from "../sessions/model.ts";
import { taskLineView } from "../tasks/views.ts";
import type { Project } from "./model.ts";

/**
 * A project's status as people see it (`baton status`, and its `--json`): explicit objects with
 * stable keys, built from the stores' reads. Each section is read only when it is asked for.
 */
export interface StatusReport {
  project: {
    id: number;
    name: string;
    directory: string;
    status: Project["status"];
    budget_usd: number | null;
    stop_after_current: boolean;
    paused_until: string | null;
  };
  summary?: StatusSummary;
  epics?: EpicLine[];
  /** With `epic`: that epic's tasks. */
  epic?: EpicLine & { description: string };
  epic_tasks?: TaskLine[];
  pending?: TaskLine[];
  recent?: SessionLine[];
  next?: NextTask;
}

export interface StatusSummary {
  epics: { done: number; total: number };
  tasks: { done: number; in_progress: number; blocked: number; total: number; percent: number };
  tests: { passing: number; failing: number; unknown: number; total: number; percent: number };
  finished: boolean;
  cost: {
    total_usd: number;
    sessions: number;
    per_session_usd: number;
    per_task_usd: number | null;
    per_passing_test_usd: number | null;
  };
  running: RunningSession | null;
  next_task: { id: number; epic_id: number; description: string; status: TaskStatus } | null;
}

export interface RunningSession {
  number: number;
  type: Session["type"];
  model: string;
  started_at: string | null;
  running_s: number | null;
  heartbeat_at: string | null;
  heartbeat_age_s: number | null;
  /** The process running it: `server:HOST:PID`, `cli:HOST:PID`, … */
  worker_id: string | null;
}

export interface EpicLine {
  id: number;
  name: string;
  status: EpicSummary["status"];
  priority: number;
  tasks: { done: number; total: number; percent: number };
  tests: { passing: number; total: number; percent: number };
}

export interface TaskLine {
  id: number;
  epic_id: number;
  description: string;
  status: TaskStatus;
  priority: number;
  tests: { passing: number; failing: number; total: number };
}

export interface SessionLine {
  number: number;
  type: Session["type"];
  status: Session["status"];
  model: string;
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
  tasks_completed: number;
  tests_passed: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  /** The error, or why the session was interrupted. */
  reason: string | null;
}

/** The next task with what it takes to do it (its action, notes and tests); or null and why nothing is next. */
export interface NextTask {
  task: (TaskLine & { action: string; notes: string | null }) | null;
  tests: NextTaskTest[];
  reason: string | null;
}

export interface NextTaskTest {
  id: number;
  category: string;
  description: string;
  status: string;
  steps: string[];
}

export interface StatusSections {
  summary?: boolean;
  epics?: boolean;
  epic?: number;
  pending?: boolean;
  recent?: number;
  next?: boolean;
}

/** Reads the sections asked for; the project is read again, so a redraw shows its latest state. */
export async function readStatusReport(
  stores: Stores,
  projectId: number,
  sections: StatusSections,
  now: Date,
): Promise<StatusReport> {
  const p = await stores.projects.get(projectId);
  const report: StatusReport = {
    project: {
      id: p.id,
      name: p.name,
      directory: p.directory,
      status: p.status,
      budget_usd: p.budget_usd,
      stop_after_current: p.stop_after_current,
      paused_until: p.paused_until,
    },
  };
  const { plan, sessions } = stores;
  if (sections.summary) report.summary = await readSummary(stores, p, now);
  if (sections.epics) report.epics = (await plan.listEpics(p.id)).map(epicLine);
  const epicId = sections.epic;
  if (epicId !== undefined) {
    const epic = await plan.getEpic(p.id, epicId).catch((error: unknown) => {
      if (!isBatonError(error, "BATON_EPIC_NOT_FOUND")) throw error;
      throw fail("BATON_EPIC_NOT_FOUND", {
        project_id: p.id,
        project: p.name,
        epic_id: epicId,
        hint: `\`baton status ${p.name} --epics\` lists them`,
      });
    });
    report.epic = { ...epicLine(epic), description: epic.description };
    report.epic_tasks = epic.tasks.map(taskLine);
  }
  if (sections.pending) report.pending = (await plan.listTasks(p.id, { status: "open" })).map(taskLine);
  if (sections.recent !== undefined) {
    report.recent = (await sessions.recent(p.id, sections.recent)).map((s) => sessionLine(s, now));
  }
  if (sections.next) {
    const task = await plan.nextTask(p.id);
    report.next = task
      ? nextTaskOf(task)
      : { task: null, tests: [], reason: nothingNextBecause(await plan.progress(p.id)) };
  }
  return report;
}

async function readSummary(stores: Stores, p: Project, now: Date): Promise<StatusSummary> {
  const [progress, totals, running, next] = await Promise.all([
    stores.plan.progress(p.id),
    stores.sessions.totals(p.id),
    stores.sessions.running(p.id),
    stores.plan.nextTask(p.id),
  ]);
  return {
    ...progressSummary(progress),
    cost: {
      total_usd: p.total_cost_usd,
      sessions: totals.sessions,
      per_session_usd: totals.sessions === 0 ? 0 : totals.cost_usd / totals.sessions,
      ...unitCosts(p.total_cost_usd, progress.tasks_done, progress.tests_passing),
    },
    running: running && runningSession(running, now),
    next_task: next && {
      id: next.id,
      epic_id: next.epic_id,
      description: next.description,
      status: next.status,
    },
  };
}

/** Why no task is next, for people. */
export function nothingNextBecause(p: Progress): string {
  if (p.tasks_total === 0) return "the plan has no tasks yet";
  if (p.finished) return "every task is done and every test passes";
  if (p.tasks_done === p.tasks_total) return "every task is done, but some tests are not passing";
  return `every open task is blocked (${p.tasks_blocked})`;
}

const secondsBetween = (from: string, to: Date) =>
  Math.max(0, Math.round((to.getTime() - Date.parse(from)) / 1000));

function runningSession(s: Session, now: Date): RunningSession {
  return {
    number: s.number,
    type: s.type,
    model: s.model,
    started_at: s.started_at,
    running_s: s.started_at === null ? null : secondsBetween(s.started_at, now),
    heartbeat_at: s.heartbeat_at,
    heartbeat_age_s: s.heartbeat_at === null ? null : secondsBetween(s.heartbeat_at, now),
    worker_id: s.worker_id,
  };
}

export function epicLine(e: EpicSummary): EpicLine {
  return {
    id: e.id,
    name: e.name,
    status: e.status,
    priority: e.priority,
    tasks: { done: e.tasks_done, total: e.tasks_total, percent: e.tasks_percent },
    tests: { passing: e.tests_passing, total: e.tests_total, percent: e.tests_percent },
  };
}

export function taskLine(t: TaskSummary): TaskLine {
  return {
    ...taskLineView(t),
    tests: { passing: t.tests_passing, failing: t.tests_failing, total: t.tests_total },
  };
}

function nextTaskOf(t: TaskWithTests): NextTask {
  return {
    task: {
      ...taskLine(summarizeTask(t)),
      action: t.action,
      notes: t.notes,
    },
    reason: null,
    tests: t.tests.map((x) => ({
      id: x.id,
      category: x.category,
      description: x.description,
      status: x.status,
      steps: x.steps,
    })),
  };
}

export function sessionLine(s: Session, now: Date): SessionLine {
  const end = s.ended_at === null ? now.getTime() : Date.parse(s.ended_at);
  return {
    number: s.number,
    type: s.type,
    status: s.status,
    model: s.model,
    started_at: s.started_at,
    ended_at: s.ended_at,
    duration_ms: s.started_at === null ? null : Math.max(0, end - Date.parse(s.started_at)),
    tasks_completed: s.tasks_completed,
    tests_passed: s.tests_passed,
    input_tokens: s.input_tokens,
    output_tokens: s.output_tokens,
    cost_usd: s.cost_usd,
    reason: s.error ?? s.interruption_reason,
  };
}
