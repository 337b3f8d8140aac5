import type { Stores } from "../db/stores/index.ts";
import type { TaskWithTests } from "../plan/model.ts";
import { type Progress, progressSummary, toProgress } from "../plan/progress.ts";
import type { Project } from "../projects/model.ts";
import type { Session } from "../sessions/model.ts";
import { runSettingsView } from "./project-settings.ts";
import type { ProjectView } from "./schemas/projects.ts";

/** The progress of a project without a plan. */
const NO_PROGRESS = toProgress({
  epics_total: 0,
  epics_done: 0,
  tasks_total: 0,
  tasks_done: 0,
  tasks_in_progress: 0,
  tasks_blocked: 0,
  tests_total: 0,
  tests_passing: 0,
  tests_failing: 0,
});

export function projectView(
  p: Project,
  progress: Progress | undefined,
  running: Session | null | undefined,
  next: TaskWithTests | null,
): ProjectView {
  const { settings: _settings, ...row } = p;
  return {
    ...row,
    settings: runSettingsView(p),
    progress: progressSummary(progress ?? NO_PROGRESS),
    next_task: next && {
      id: next.id,
      epic_id: next.epic_id,
      description: next.description,
      status: next.status,
    },
    running_session: running
      ? {
          id: running.id,
          number: running.number,
          type: running.type,
          model: running.model,
          started_at: running.started_at,
          worker_id: running.worker_id,
        }
      : null,
  };
}

/** One project's view (BATON_PROJECT_NOT_FOUND when there is none). */
export async function readProjectView(stores: Stores, projectId: number): Promise<ProjectView> {
  const project = await stores.projects.get(projectId);
  const [progress, running, next] = await Promise.all([
    stores.plan.progress(projectId),
    stores.sessions.running(projectId),
    stores.plan.nextTask(projectId),
  ]);
  return projectView(project, progress, running, next);
}

/** Every project's view, by name: progress and running sessions in one query each. */
export async function readProjectViews(stores: Stores): Promise<ProjectView[]> {
  const [projects, progress, running] = await Promise.all([
    stores.projects.list(),
    stores.plan.progressByProject(),
    stores.sessions.runningByProject(),
  ]);
  const next = await Promise.all(
    projects.map((p) => (progress.has(p.id) ? stores.plan.nextTask(p.id) : Promise.resolve(null))),
  );
  return projects.map((p, i) => projectView(p, progress.get(p.id), running.get(p.id), next[i] ?? null));
}
