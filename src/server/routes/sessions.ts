import { z } from "zod";
import { isBatonError } from "../../errors.ts";
import { type LogKind, sessionLogFile } from "../../logs/log-reader.ts";
import type { Project } from "../../projects/model.ts";
import { type Session, SessionType } from "../../sessions/model.ts";
import type { Routes } from "../app.ts";
import { projectOf, sessionOf } from "../lookup.ts";
import { MAX_INT, ProjectParams } from "../schemas/common.ts";
import { errorResponses } from "../schemas/error.ts";
import { SessionDetail, SessionInfo, SessionParams, toSessionInfo } from "../schemas/session.ts";

const SessionsQuery = z.object({
  type: SessionType.optional().describe("only sessions of this type"),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  offset: z.coerce.number().int().min(0).max(MAX_INT).default(0),
});

/** A project's sessions, newest first, and one session with its figures. */
export const sessionsRoutes: Routes = (app, deps) => {
  app.get(
    "/api/projects/:id/sessions",
    {
      schema: {
        tags: ["sessions"],
        summary: "The project's sessions, newest first, with their figures",
        params: ProjectParams,
        querystring: SessionsQuery,
        response: { 200: z.object({ sessions: z.array(SessionInfo) }), ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const project = await projectOf(deps, request.params.id);
      const { type, limit, offset } = request.query;
      const sessions = await deps.stores.sessions.list(project.id, {
        limit,
        offset,
        ...(type ? { type } : {}),
      });
      return { sessions: sessions.map(toSessionInfo) };
    },
  );

  app.get(
    "/api/projects/:id/sessions/:sid",
    {
      schema: {
        tags: ["sessions"],
        summary: "One session: status, times, figures, error and which log files exist",
        params: SessionParams,
        response: { 200: SessionDetail, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const project = await projectOf(deps, request.params.id);
      const session = await sessionOf(deps, project, request.params.sid);
      return {
        ...toSessionInfo(session),
        prompt_version_id: session.prompt_version_id,
        worker_id: session.worker_id,
        heartbeat_at: session.heartbeat_at,
        log_files: {
          txt: hasLog(deps.home, project, session, "txt"),
          jsonl: hasLog(deps.home, project, session, "jsonl"),
        },
      };
    },
  );
};

/** Whether the session's log file of that kind can be served. */
function hasLog(home: string, project: Project, session: Session, kind: LogKind): boolean {
  try {
    sessionLogFile({ home, project }, session, kind);
    return true;
  } catch (error) {
    if (isBatonError(error)) return false;
    throw error;
  }
}
