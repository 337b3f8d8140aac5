/**
 * What a run must satisfy before it starts, for every way one starts (the API's initialize and
 * coding routes, `baton run` and `baton init`): checked by the orchestrator, before the run takes
 * its slot, so a refused start changes nothing. Each refusal names the fix for both edges.
 */
import type { Stores } from "../db/stores/index.ts";
import { fail } from "../errors.ts";
import type { Project } from "../projects/model.ts";

/**
 * What the run is asked to do: only plan; only code (a plan must exist); or plan when there is no
 * plan yet, then code (`baton run`).
 */
export type StartKind = "initialize" | "code" | "run";

/** What a run asks for: only the initializer, only coding, or whatever the project needs. */
export function startKind(options: { initializeOnly?: boolean; codeOnly?: boolean }): StartKind {
  return options.initializeOnly ? "initialize" : options.codeOnly ? "code" : "run";
}

export async function assertCanStart(stores: Stores, project: Project, kind: StartKind): Promise<void> {
  const hasPlan = await stores.plan.hasPlan(project.id);
  if (kind === "initialize" && hasPlan) {
    throw fail("BATON_PLAN_EXISTS", {
      project_id: project.id,
      reason: `project ${project.name} already has a plan; start coding instead (baton run, or POST /api/projects/${project.id}/coding/start)`,
    });
  }
  if (kind === "code" && !hasPlan) {
    throw fail("BATON_PLAN_MISSING", { project_id: project.id, project: project.name });
  }
  if (!hasPlan || kind === "initialize") return;
  // `baton run` on a finished project ends at once as complete; asked only to code, it is refused.
  if (kind === "code" && (await stores.plan.progress(project.id)).finished) {
    throw fail("BATON_PROJECT_COMPLETE", { project_id: project.id, project: project.name });
  }
  if (project.budget_usd !== null && project.total_cost_usd >= project.budget_usd) {
    throw fail("BATON_BUDGET_SPENT", {
      project_id: project.id,
      project: project.name,
      budget_usd: project.budget_usd,
      spent_usd: project.total_cost_usd,
    });
  }
}
