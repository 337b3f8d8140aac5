import { BatonError } from "../errors.ts";
import type { Project } from "../projects/model.ts";
import type { ServerDeps } from "./app.ts";

/**
 * Refuses (409 BATON_PROJECT_BUSY) while the project runs: a run of this server's orchestrator
 * (also between sessions, e.g. during the auto-continue delay), or a session running anywhere.
 */
export async function assertIdle(
  deps: Pick<ServerDeps, "orchestrator" | "stores">,
  project: Project,
  doing: string,
): Promise<void> {
  const running = await deps.stores.sessions.running(project.id);
  if (running === null && !deps.orchestrator.isRunning(project.id)) return;
  const what =
    running === null
      ? `project ${project.name} is running`
      : `session ${running.number} of project ${project.name} is running`;
  throw new BatonError("BATON_PROJECT_BUSY", `${what}; stop it (or wait for it to end) before ${doing}`, {
    project_id: project.id,
    running_session: running?.number ?? null,
  });
}
