/**
 * What a run must satisfy before it starts, for every way one starts (the API's initialize and
 * coding routes, `baton run` and `baton init`): checked by the orchestrator, before the run takes
 * its slot, so a refused start changes nothing. Each refusal names the fix for both edges.
 */
import type { Stores } from "../db/stores/index.ts";
import { BatonError } from "../errors.ts";
import type { Project } from "../projects/model.ts";

/**
 * What the run is asked to do: only plan; only code (a plan must exist); or plan when there is no
 * plan yet, then code (`baton run`).
 */
export type StartKind = "initialize" | "code" | "run";

export async function assertCanStart(stores: Stores, project: Project, kind: StartKind): Promise<void> {
  const hasPlan = await stores.plan.hasPlan(project.id);
  if (kind === "initialize" && hasPlan) {
    throw new BatonError(
      "BATON_PLAN_EXISTS",
      `project ${project.name} already has a plan; start coding instead (baton run, or POST /api/projects/${project.id}/coding/start)`,
      { project_id: project.id },
    );
  }
  if (kind === "code" && !hasPlan) {
    throw new BatonError(
      "BATON_PLAN_MISSING",
      `project ${project.name} has no plan yet; initialize it first (POST /api/projects/${project.id}/initialize, or baton init), review the plan, then start coding`,
      { project_id: project.id },
    );
  }
  if (!hasPlan || kind === "initialize") return;
  // `baton run` on a finished project ends at once as complete; asked only to code, it is refused.
  if (kind === "code" && (await stores.plan.progress(project.id)).finished) {
    throw new BatonError(
      "BATON_PROJECT_COMPLETE",
      `project ${project.name} is complete: every task is done and every test passes`,
      { project_id: project.id },
    );
  }
  if (project.budget_usd !== null && project.total_cost_usd >= project.budget_usd) {
    throw new BatonError(
      "BATON_BUDGET_SPENT",
      `project ${project.name} has spent $${project.total_cost_usd.toFixed(2)} of its $${project.budget_usd.toFixed(2)} budget; raise the budget to go on (project.budget_usd, or PATCH /api/projects/${project.id} with budget_usd)`,
      { project_id: project.id, budget_usd: project.budget_usd, spent_usd: project.total_cost_usd },
    );
  }
}
