import { z } from "zod";
import { ENV_NAME_PATTERN, MASKED_VALUE, readProjectEnv, writeProjectEnv } from "../../projects/env-file.ts";
import type { Routes } from "../app.ts";
import { changeSettings, SettingsChanges, SettingsView, settingsView } from "../project-settings.ts";
import { ProjectParams, QueryFlag } from "../schemas/common.ts";
import { errorResponses } from "../schemas/error.ts";

const EnvVariable = z.object({
  name: z.string(),
  value: z
    .string()
    .nullable()
    .describe(`the value in .env, ${MASKED_VALUE} unless reveal=true; null when unset`),
  comment: z.string().nullable().describe("the comment lines just above it in .env.example"),
  required: z
    .boolean()
    .describe(
      "in .env.example: a comment line starting with 'required', or no default value (and no line starting with 'optional')",
    ),
  set: z.boolean().describe(".env sets it"),
  in_example: z.boolean().describe(".env.example declares it"),
});

const ProjectEnv = z.object({
  variables: z.array(EnvVariable),
  files: z.object({ example: z.boolean(), env: z.boolean() }),
});

const EnvValues = z.strictObject({
  values: z
    .record(
      z
        .string()
        .regex(ENV_NAME_PATTERN, "a variable name is letters, digits and _, not starting with a digit"),
      z
        .string()
        .max(32_768)
        .regex(/^[^\r\n\0]*$/, "a value is one line")
        .refine(
          (v) => v !== MASKED_VALUE,
          `${MASKED_VALUE} is the mask, not a value: leave the name out to keep it`,
        )
        .nullable(),
    )
    .refine((v) => Object.keys(v).length <= 500, "at most 500 variables at once")
    .describe("value by name; null removes the name from .env"),
});

/** Settings as PUT takes them: every field; one left out (or null) is cleared. */
const change = SettingsChanges.shape;
const SettingsBody = z.strictObject({
  initializer_model: change.initializer_model.unwrap().default(null),
  coding_model: change.coding_model.unwrap().default(null),
  sandbox: change.sandbox.unwrap().default(null),
  max_sessions: change.max_sessions.unwrap().default(null),
  budget_usd: change.budget_usd.unwrap().default(null),
});

/** The project's environment files (.env.example, .env) and its run settings. */
export const projectEnvRoutes: Routes = (app, deps) => {
  const { stores } = deps;

  app.get(
    "/api/projects/:id/env",
    {
      schema: {
        tags: ["environment"],
        summary: "The variables of .env.example overlaid with .env (values masked unless reveal=true)",
        params: ProjectParams,
        querystring: z.object({ reveal: QueryFlag.default(false) }),
        response: { 200: ProjectEnv, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => {
      const project = await stores.projects.get(request.params.id);
      return readProjectEnv(project.directory, { reveal: request.query.reveal });
    },
  );

  app.put(
    "/api/projects/:id/env",
    {
      schema: {
        tags: ["environment"],
        summary: "Set (or, with null, remove) variables in .env, keeping its comments and order",
        params: ProjectParams,
        body: EnvValues,
        response: { 200: ProjectEnv, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => {
      const project = await stores.projects.get(request.params.id);
      writeProjectEnv(project.directory, request.body.values);
      return readProjectEnv(project.directory, { reveal: false });
    },
  );

  app.get(
    "/api/projects/:id/settings",
    {
      schema: {
        tags: ["environment"],
        summary: "The project's models, sandbox and budget, and the config's defaults",
        params: ProjectParams,
        response: { 200: SettingsView, ...errorResponses(400, 404) },
      },
    },
    async (request) => settingsView(await stores.projects.get(request.params.id), deps.config),
  );

  app.put(
    "/api/projects/:id/settings",
    {
      schema: {
        tags: ["environment"],
        summary:
          "Replace the project's models, sandbox, max sessions and budget (a field left out or null is cleared)",
        params: ProjectParams,
        body: SettingsBody,
        response: { 200: SettingsView, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const project = await stores.projects.get(request.params.id);
      return settingsView(await changeSettings(stores, project, request.body), deps.config);
    },
  );
};
