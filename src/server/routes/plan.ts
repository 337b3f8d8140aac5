import { z } from "zod";
import { fail, isBatonError } from "../../errors.ts";
import { readPlanCoverage } from "../../plan/coverage.ts";
import { TaskStatus, TaskWithTests } from "../../plan/model.ts";
import { progressSummary } from "../../plan/progress.ts";
import { decodeTaskCursor, encodeTaskCursor } from "../../plan/task-cursor.ts";
import { epicLine, taskLine } from "../../projects/status-report.ts";
import type { Routes } from "../app.ts";
import { PathId, ProjectParams } from "../schemas/common.ts";
import { errorResponses } from "../schemas/error.ts";
import { Coverage, EpicDetail, EpicLine, ProgressSummary, TaskLine } from "../schemas/plan.ts";

/** Tasks per page of GET /tasks by default, and at most. */
export const TASK_PAGE = 100;
export const MAX_TASK_PAGE = 1000;

const TasksQuery = z.object({
  status: z
    .union([TaskStatus, z.literal("open")])
    .optional()
    .describe("only tasks with this status; open: every status but done"),
  epic_id: PathId.optional().describe("only the tasks of this epic"),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_TASK_PAGE)
    .default(TASK_PAGE)
    .describe(`tasks per page (default ${TASK_PAGE}, at most ${MAX_TASK_PAGE})`),
  after: z.string().optional().describe("the `next` of the previous page: the page after it"),
});

/** Read-only views of a project's plan: progress, epics, tasks (with their tests), coverage. */
export const planRoutes: Routes = (app, deps) => {
  const { stores } = deps;
  /** The project (404 BATON_PROJECT_NOT_FOUND when there is none). */
  const project = (id: number) => stores.projects.get(id);

  app.get(
    "/api/projects/:id/progress",
    {
      schema: {
        tags: ["plan"],
        summary: "Epics, tasks and tests done or passing, with percentages",
        params: ProjectParams,
        response: { 200: ProgressSummary, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const p = await project(request.params.id);
      return progressSummary(await stores.plan.progress(p.id));
    },
  );

  app.get(
    "/api/projects/:id/epics",
    {
      schema: {
        tags: ["plan"],
        summary: "The epics in plan order, each with its task and test progress",
        params: ProjectParams,
        response: { 200: z.object({ epics: z.array(EpicLine) }), ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const p = await project(request.params.id);
      return { epics: (await stores.plan.listEpics(p.id)).map(epicLine) };
    },
  );

  app.get(
    "/api/projects/:id/epics/:epicId",
    {
      schema: {
        tags: ["plan"],
        summary: "One epic with its description and tasks",
        params: ProjectParams.extend({ epicId: PathId.describe("the epic's id") }),
        response: { 200: EpicDetail, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const p = await project(request.params.id);
      const epic = await stores.plan.getEpic(p.id, request.params.epicId).catch((error: unknown) => {
        throw isBatonError(error, "BATON_EPIC_NOT_FOUND")
          ? fail("BATON_EPIC_NOT_FOUND", {
              project_id: p.id,
              project: p.name,
              epic_id: request.params.epicId,
              hint: `GET /api/projects/${p.id}/epics lists them`,
            })
          : error;
      });
      return { ...epicLine(epic), description: epic.description, tasks: epic.tasks.map(taskLine) };
    },
  );

  app.get(
    "/api/projects/:id/tasks",
    {
      schema: {
        tags: ["plan"],
        summary: "Tasks in plan order with their test counts, by status or epic, a page at a time",
        params: ProjectParams,
        querystring: TasksQuery,
        response: {
          200: z.object({
            tasks: z.array(TaskLine),
            next: z.string().nullable().describe("pass as `after` for the next page; null on the last"),
          }),
          ...errorResponses(400, 404),
        },
      },
    },
    async (request) => {
      const p = await project(request.params.id);
      const { status, epic_id, limit, after } = request.query;
      const page = await stores.plan.pageTasks(p.id, {
        ...(status === undefined ? {} : { status }),
        ...(epic_id === undefined ? {} : { epic_id }),
        ...(after === undefined ? {} : { after: decodeTaskCursor(after) }),
        limit,
      });
      return { tasks: page.tasks.map(taskLine), next: page.next && encodeTaskCursor(page.next) };
    },
  );

  app.get(
    "/api/projects/:id/tasks/:taskId",
    {
      schema: {
        tags: ["plan"],
        summary: "One task with its action, notes and tests",
        params: ProjectParams.extend({ taskId: PathId.describe("the task's id") }),
        response: { 200: TaskWithTests, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const p = await project(request.params.id);
      return stores.plan.getTask(p.id, request.params.taskId).catch((error: unknown) => {
        throw isBatonError(error, "BATON_TASK_NOT_FOUND")
          ? fail("BATON_TASK_NOT_FOUND", {
              project_id: p.id,
              project: p.name,
              task_id: request.params.taskId,
              hint: `GET /api/projects/${p.id}/tasks lists them`,
            })
          : error;
      });
    },
  );

  app.get(
    "/api/projects/:id/coverage",
    {
      schema: {
        tags: ["plan"],
        summary: "How well the tests cover the plan: a band (good, fair, poor), its gaps and counts",
        params: ProjectParams,
        response: { 200: Coverage, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const p = await project(request.params.id);
      return readPlanCoverage(stores.plan, p.id);
    },
  );
};
