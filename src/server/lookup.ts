import { BatonError, fail } from "../errors.ts";
import type { Project } from "../projects/model.ts";
import type { Session } from "../sessions/model.ts";
import type { ServerDeps } from "./app.ts";

/** The project of a route's `:id`, or 404 BATON_PROJECT_NOT_FOUND. */
export function projectOf(deps: Pick<ServerDeps, "stores">, id: number): Promise<Project> {
  return deps.stores.projects.get(id);
}

/** The session `:sid` of that project (a session of another project is not found either). */
export async function sessionOf(
  deps: Pick<ServerDeps, "stores">,
  project: Project,
  sid: number,
): Promise<Session> {
  const notFound = () =>
    fail("BATON_SESSION_NOT_FOUND", {
      project_id: project.id,
      session_id: sid,
      reason: `project ${project.name} has no session with the id ${sid}`,
    });
  let session: Session;
  try {
    session = await deps.stores.sessions.get(sid);
  } catch (error) {
    if (error instanceof BatonError && error.code === "BATON_SESSION_NOT_FOUND") throw notFound();
    throw error;
  }
  if (session.project_id !== project.id) throw notFound();
  return session;
}
