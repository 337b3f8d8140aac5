import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import multipart from "@fastify/multipart";
import type { FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { fail } from "../../errors.ts";
import { recordProjectEvent } from "../../events/project-events.ts";
import { applyReset, planReset, type ResetStepName } from "../../orchestrator/reset.ts";
import { resolveRunSettings } from "../../orchestrator/run-settings.ts";
import { createProject } from "../../projects/create-project.ts";
import { type Project, ProjectName, ProjectRunSettings } from "../../projects/model.ts";
import { SPEC_DIR } from "../../projects/spec.ts";
import type { Routes, ServerDeps } from "../app.ts";
import { changeSettings, SettingsChanges } from "../project-settings.ts";
import { readProjectView, readProjectViews } from "../project-view.ts";
import { ProjectParams, QueryFlag } from "../schemas/common.ts";
import { errorResponses } from "../schemas/error.ts";
import { ProjectView } from "../schemas/projects.ts";
import { multipartLimits, receiveSpecUpload, type SpecUpload, uploadLimits } from "../spec-upload.ts";

const run = ProjectRunSettings.shape;

/**
 * A new project as the multipart form gives it: text fields (an empty optional one counts as
 * absent) and the spec files (`spec`; here their names: the files are in the upload folder).
 */
const NewProjectForm = z.strictObject({
  name: ProjectName,
  initializer_model: run.initializer_model,
  coding_model: run.coding_model,
  sandbox: run.sandbox,
  budget_usd: z.coerce.number().positive("a budget is a positive number of US dollars").optional(),
  spec: z
    .array(z.string().meta({ format: "binary" }))
    .min(1)
    .describe("one or more spec files, .md or .txt, each at most server.max_upload_kb KB"),
});

/** The upload's fields and file names, as the form schema reads them. */
function formBody(upload: SpecUpload): Record<string, unknown> {
  if (Object.hasOwn(upload.fields, "spec")) {
    throw fail("BATON_VALIDATION", {
      field: "spec",
      reason: "spec is a file field: attach the spec files, not text",
    });
  }
  const given = Object.entries(upload.fields).filter(([k, v]) => k === "name" || v.trim() !== "");
  return { ...Object.fromEntries(given), spec: upload.files.map((f) => f.name) };
}

const DeleteQuery = z.object({
  confirm: z.string().optional().describe("the project's name, to confirm"),
  delete_files: QueryFlag.default(false).describe("also remove the project's directory"),
});

const Deleted = z.object({
  id: z.number().int(),
  name: z.string(),
  directory: z.string(),
  files_deleted: z.boolean(),
  /** The docker container removed with it; null when sessions do not run in docker. */
  container: z.object({ name: z.string(), removed: z.boolean() }).nullable(),
});

const ResetResult = z.object({
  /** False for a dry run. */
  applied: z.boolean(),
  init_commit: z.string(),
  /** Where the deleted sessions' logs and the progress note went, in Baton's data directory. */
  archive_dir: z.string(),
  steps: z.array(
    z.object({
      name: z.enum([
        "container",
        "logs",
        "progress-note",
        "git",
        "database",
      ]) satisfies z.ZodType<ResetStepName>,
      description: z.string().describe("what the step changes"),
      done: z.string().nullable().describe("what it did; null in a dry run"),
    }),
  ),
  /** The project after the reset. */
  project: ProjectView,
});

/** Projects: list, create (multipart upload of the spec), read, change, delete. */
export const projectsRoutes: Routes = (app, deps) => {
  app.get(
    "/api/projects",
    {
      schema: {
        tags: ["projects"],
        summary: "Every project with its progress, next task, running session and cost",
        response: { 200: z.object({ projects: z.array(ProjectView) }) },
      },
    },
    async () => ({ projects: await readProjectViews(deps.stores) }),
  );

  app.register(async (scoped) => {
    const limits = uploadLimits(deps.config.server.max_upload_kb);
    await scoped.register(multipart, { limits: multipartLimits(limits) });
    // The multipart body is read (files to a temp folder) before validation, which then checks
    // the fields like any body; the folder goes when the response does, whatever it is.
    const uploads = new WeakMap<FastifyRequest, SpecUpload>();
    scoped.addHook("preValidation", async (request) => {
      const upload = await receiveSpecUpload(request, limits);
      uploads.set(request, upload);
      request.body = formBody(upload);
    });
    scoped.addHook("onSend", async (request, _reply, payload) => {
      uploads.get(request)?.remove();
      return payload;
    });
    scoped.withTypeProvider<ZodTypeProvider>().post(
      "/api/projects",
      {
        schema: {
          tags: ["projects"],
          summary:
            "Create a project from a spec (multipart: name, spec files, optional models, sandbox, budget)",
          consumes: ["multipart/form-data"],
          body: NewProjectForm,
          response: { 201: ProjectView, ...errorResponses(400, 409, 413, 415) },
        },
      },
      async (request, reply) => {
        const upload = uploads.get(request);
        if (upload === undefined) throw new Error("the upload was not received");
        const { spec: _files, ...fields } = request.body;
        const project = await createFromUpload(deps, fields, upload.folder);
        return reply.code(201).send(await readProjectView(deps.stores, project.id));
      },
    );
  });

  app.get(
    "/api/projects/:id",
    {
      schema: {
        tags: ["projects"],
        summary: "A project with its progress, next task, running session and cost",
        params: ProjectParams,
        response: { 200: ProjectView, ...errorResponses(400, 404) },
      },
    },
    async (request) => readProjectView(deps.stores, request.params.id),
  );

  app.patch(
    "/api/projects/:id",
    {
      schema: {
        tags: ["projects"],
        summary: "Change a project's budget or run settings (null clears one: the config applies)",
        params: ProjectParams,
        body: SettingsChanges,
        response: { 200: ProjectView, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const project = await deps.stores.projects.get(request.params.id);
      await changeSettings(deps.stores, project, request.body);
      return readProjectView(deps.stores, project.id);
    },
  );

  app.delete(
    "/api/projects/:id",
    {
      schema: {
        tags: ["projects"],
        summary: "Delete a project's rows (confirm=<name>), and its directory with delete_files=true",
        params: ProjectParams,
        querystring: DeleteQuery,
        response: { 200: Deleted, ...errorResponses(400, 404, 409, 412) },
      },
    },
    async (request) => {
      const project = await deps.stores.projects.get(request.params.id);
      const { confirm, delete_files } = request.query;
      if (confirm !== project.name) {
        throw fail("BATON_CONFIRMATION_REQUIRED", {
          confirm: project.name,
          reason: `${confirm === undefined ? "deleting" : `confirm=${confirm} does not match: deleting`} project ${project.name} needs ?confirm=${project.name} (add &delete_files=true to remove its directory ${project.directory} too)`,
        });
      }
      return deps.orchestrator.deleteProject(project, { deleteFiles: delete_files === true });
    },
  );

  app.post(
    "/api/projects/:id/reset",
    {
      schema: {
        tags: ["projects"],
        summary:
          "Take the project back to right after its initializer (init commit, plan without progress, session 0 only); dry_run=true only says what it would do",
        params: ProjectParams,
        querystring: z.object({
          dry_run: QueryFlag.default(false).describe("change nothing: only list the steps"),
        }),
        response: { 200: ResetResult, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => {
      const project = await deps.stores.projects.get(request.params.id);
      await deps.orchestrator.assertIdle(project, "resetting it");
      // The sandbox the project's sessions run in: with docker, its container goes too.
      const reset = {
        stores: deps.stores,
        home: deps.home,
        sandbox: { type: resolveRunSettings(project, deps.config).sandbox },
      };
      if (request.query.dry_run) {
        // Deep reviews running here would be stopped by the reset itself.
        const plan = await planReset(reset, project.id, {
          reviewsStopped: deps.orchestrator.reviews.runningFor(project.id) > 0,
        });
        return {
          applied: false,
          init_commit: plan.initCommit,
          archive_dir: plan.archiveDir,
          steps: plan.steps.map((step) => ({ ...step, done: null })),
          project: await readProjectView(deps.stores, project.id),
        };
      }
      // A deep review still running here reviews sessions the reset deletes: it is stopped first.
      await deps.orchestrator.reviews.stopFor(project.id, "the project is being reset");
      const report = await applyReset(reset, project.id);
      const view = await readProjectView(deps.stores, project.id);
      // Watchers (the UI's live tab) learn that what they showed of later sessions is gone.
      await recordProjectEvent({ sessions: deps.stores.sessions, bus: deps.bus }, project.id, "reset", {
        epics: view.progress.epics.total,
        tasks: view.progress.tasks.total,
        tests: view.progress.tests.total,
        sessions: (await deps.stores.sessions.list(project.id)).length,
        next_session_number: await deps.stores.sessions.nextWorkNumber(project.id),
      });
      return {
        applied: true,
        init_commit: report.plan.initCommit,
        archive_dir: report.plan.archiveDir,
        steps: report.steps,
        project: view,
      };
    },
  );
};

/** Creates the project in `<generations_dir>/<name>` from the uploaded spec folder. */
async function createFromUpload(
  deps: ServerDeps,
  fields: Omit<z.infer<typeof NewProjectForm>, "spec">,
  folder: string,
): Promise<Project> {
  const { stores, config } = deps;
  const { name, budget_usd, ...settings } = fields;
  const directory = path.join(path.resolve(config.project.generations_dir), name);
  if ((await stores.projects.list()).some((p) => p.name === name)) {
    throw fail("BATON_PROJECT_EXISTS", {
      name,
      reason: `a project named ${name} already exists; choose another name`,
    });
  }
  if (existsSync(directory)) {
    throw fail("BATON_PROJECT_EXISTS", {
      name,
      directory,
      reason: `the directory ${directory} already exists; choose another name, or move that directory away`,
    });
  }
  const project = await createProject(stores, {
    name,
    directory,
    spec: folder,
    settings,
    budget_usd: budget_usd ?? config.project.budget_usd,
  });
  // The upload folder is temporary: the project's own copy of the spec is what it keeps.
  try {
    return await stores.projects.update(project.id, { spec_path: path.join(project.directory, SPEC_DIR) });
  } catch (error) {
    await stores.projects.delete(project.id).catch(() => {});
    rmSync(project.directory, { recursive: true, force: true });
    throw error;
  }
}
