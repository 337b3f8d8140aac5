import type { Progress } from "../plan/progress.ts";
import type { Project } from "../projects/model.ts";
import type { Session } from "../sessions/model.ts";
import { table, usd } from "./text.ts";

/** One line of `baton projects` (and an element of its `--json`). */
export interface ProjectLine {
  id: number;
  name: string;
  status: Project["status"];
  tasks: { done: number; total: number };
  tests: { passing: number; total: number };
  cost_usd: number;
  running: { number: number; type: Session["type"]; model: string; started_at: string | null } | null;
  directory: string;
}

export function projectLine(
  p: Project,
  progress: Progress | undefined,
  running: Session | undefined,
): ProjectLine {
  return {
    id: p.id,
    name: p.name,
    status: p.status,
    tasks: { done: progress?.tasks_done ?? 0, total: progress?.tasks_total ?? 0 },
    tests: { passing: progress?.tests_passing ?? 0, total: progress?.tests_total ?? 0 },
    cost_usd: p.total_cost_usd,
    running: running
      ? { number: running.number, type: running.type, model: running.model, started_at: running.started_at }
      : null,
    directory: p.directory,
  };
}

export const NO_PROJECTS_TEXT =
  "No projects yet. Start one from a spec with `baton run --project-dir NAME --spec FILE`,\n" +
  "or watch Baton build a small app offline with `baton demo`.\n";

export function formatProjectsText(lines: readonly ProjectLine[]): string {
  if (lines.length === 0) return NO_PROJECTS_TEXT;
  return table(
    ["NAME", "STATUS", "TASKS", "TESTS", "COST", "RUNNING", "DIRECTORY"],
    lines.map((l) => [
      l.name,
      l.status,
      `${l.tasks.done}/${l.tasks.total}`,
      `${l.tests.passing}/${l.tests.total}`,
      usd(l.cost_usd),
      l.running ? `session ${l.running.number} (${l.running.model})` : "-",
      l.directory,
    ]),
    [2, 3, 4],
  );
}
