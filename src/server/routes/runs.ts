import type { FastifyBaseLogger } from "fastify";
import { z } from "zod";
import { ModelName } from "../../agent/model-name.ts";
import { fail } from "../../errors.ts";
import type { RunOptions } from "../../orchestrator/orchestrator.ts";
import type { Project } from "../../projects/model.ts";
import type { Session } from "../../sessions/model.ts";
import type { Routes, ServerDeps } from "../app.ts";
import { projectOf, sessionOf } from "../lookup.ts";
import { ProjectParams } from "../schemas/common.ts";
import { errorResponses } from "../schemas/error.ts";
import { SessionParams, StartAnswer, StoppingSession } from "../schemas/session.ts";

const Model = ModelName.describe("the model of this run's sessions instead of the configured one");

/** A body that may be left out: no body is `{}`. */
function optionalBody<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => value ?? {}, schema);
}

const InitializeBody = optionalBody(z.strictObject({ model: Model.optional() }));

const CodingBody = optionalBody(
  z.strictObject({
    model: Model.optional(),
    max_iterations: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .nullable()
      .optional()
      .describe("coding sessions in this run at most; null: no limit; default: project.max_iterations"),
  }),
);

const StopAfterCurrent = z.object({
  project_id: z.number().int(),
  stop_after_current: z.boolean(),
  /** The session running now, if any: the run stops once it ends. */
  running_session_id: z.number().int().nullable(),
});

/**
 * Starting and stopping work. Every route returns at once: a start answers with the run's first
 * session (real, already running) and the run goes on in the orchestrator; a stop answers while
 * the session is being ended (it ends `interrupted`).
 */
export const runsRoutes: Routes = (app, deps) => {
  const { stores, orchestrator } = deps;

  app.post(
    "/api/projects/:id/initialize",
    {
      schema: {
        tags: ["runs"],
        summary: "Plan the project: start its initializer (session 0) in the background",
        params: ProjectParams,
        body: InitializeBody,
        response: { 202: StartAnswer, ...errorResponses(400, 404, 409, 412, 503) },
      },
    },
    async (request, reply) => {
      const project = await projectOf(deps, request.params.id);
      const { model } = request.body;
      const session = await startRun(deps, app.log, project, {
        initializeOnly: true,
        ...(model ? { model } : {}),
      });
      return reply.code(202).send(session);
    },
  );

  app.post(
    "/api/projects/:id/initialize/cancel",
    {
      schema: {
        tags: ["runs"],
        summary: "Stop the running initializer (it ends interrupted)",
        params: ProjectParams,
        response: { 202: StoppingSession, ...errorResponses(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const project = await projectOf(deps, request.params.id);
      const running = await stores.sessions.running(project.id);
      if (running?.type !== "initializer") {
        throw fail("BATON_SESSION_NOT_RUNNING", {
          project_id: project.id,
          session_id: running?.id ?? null,
          reason: running
            ? `no initializer of project ${project.name} is running: session ${running.number} (${running.type}) is; stop it with POST /api/projects/${project.id}/sessions/${running.id}/stop`
            : `no initializer of project ${project.name} is running`,
        });
      }
      return reply.code(202).send(await stop(deps, project, running, "initialization cancelled by a person"));
    },
  );

  app.post(
    "/api/projects/:id/coding/start",
    {
      schema: {
        tags: ["runs"],
        summary: "Start coding sessions in the background, one after another, until a stop condition",
        params: ProjectParams,
        body: CodingBody,
        response: { 202: StartAnswer, ...errorResponses(400, 404, 409, 412, 503) },
      },
    },
    async (request, reply) => {
      const project = await projectOf(deps, request.params.id);
      const { model, max_iterations } = request.body;
      const session = await startRun(deps, app.log, project, {
        codeOnly: true,
        ...(model ? { model } : {}),
        ...(max_iterations === undefined ? {} : { maxIterations: max_iterations }),
      });
      return reply.code(202).send(session);
    },
  );

  app.post(
    "/api/projects/:id/sessions/:sid/stop",
    {
      schema: {
        tags: ["runs"],
        summary: "Stop a running session now (it ends interrupted) and the run it belongs to",
        params: SessionParams,
        response: { 202: StoppingSession, ...errorResponses(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const project = await projectOf(deps, request.params.id);
      const session = await sessionOf(deps, project, request.params.sid);
      if (session.status !== "running" || session.type === "review") {
        throw fail("BATON_SESSION_NOT_RUNNING", {
          project_id: project.id,
          session_id: session.id,
          status: session.status,
          reason:
            session.status === "running"
              ? `session ${session.id} is a review; reviews are not stopped here`
              : `session ${session.number} of project ${project.name} is not running (it is ${session.status})`,
        });
      }
      return reply.code(202).send(await stop(deps, project, session, "stopped by a person"));
    },
  );

  for (const [method, on] of [
    ["POST", true],
    ["DELETE", false],
  ] as const) {
    app.route({
      method,
      url: "/api/projects/:id/stop-after-current",
      schema: {
        tags: ["runs"],
        summary: on
          ? "Let the running session finish, then stop the run"
          : "Clear the request to stop after the running session",
        params: ProjectParams,
        response: { 200: StopAfterCurrent, ...errorResponses(400, 404) },
      },
      handler: async (request) => {
        const project = await projectOf(deps, request.params.id);
        const updated = await orchestrator.setStopAfterCurrent(project.id, on);
        const running = await stores.sessions.running(project.id);
        return {
          project_id: project.id,
          stop_after_current: updated.stop_after_current,
          running_session_id: running?.id ?? null,
        };
      },
    });
  }
};

/** Busy: this process runs the project (a session of another worker is the orchestrator's to refuse). */
/** Starts a run and answers with its first session; the rest of the run goes on in the background. */
async function startRun(
  deps: ServerDeps,
  log: FastifyBaseLogger,
  project: Project,
  options: RunOptions,
): Promise<z.infer<typeof StartAnswer>> {
  // `start` settles once a session exists; a run that ends before one (no task can be worked on,
  // …) is refused with BATON_RUN_NOT_STARTED, whose message says why.
  const started = await deps.orchestrator.start(project.id, options);
  const runLog = log.child({ project_id: project.id });
  started.done.then(
    (result) => runLog.info({ end: result.end, detail: result.message }, "run ended"),
    (error: unknown) => runLog.error({ err: error }, "run failed"),
  );
  const { session } = started;
  if (session === null) {
    return {
      project_id: project.id,
      queued: true as const,
      job_id: started.job_id ?? "",
      message: `queued: ${started.waiting ?? "waiting for a worker"}`,
    };
  }
  return {
    project_id: project.id,
    session_id: session.id,
    session_number: session.number,
    type: session.type,
    model: session.model,
    status: session.status,
  };
}

/**
 * Stops the project's run, whose running session is `session`, wherever it runs: this server, a
 * `baton run` in a terminal or another server on the same database (Orchestrator.requestStop).
 */
async function stop(
  deps: ServerDeps,
  project: Project,
  session: Session,
  reason: string,
): Promise<z.infer<typeof StoppingSession>> {
  await deps.orchestrator.requestStop(project.id, session.id, reason);
  // No process may hold it any more (killed outright): a session whose heartbeat is stale ends now.
  await deps.orchestrator.recover(project.id);
  return { project_id: project.id, session_id: session.id, session_number: session.number, stopping: true };
}
