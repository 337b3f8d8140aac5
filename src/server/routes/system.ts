import path from "node:path";
import { z } from "zod";
import { describeCredentials, detectCredentials } from "../../agent/credentials.ts";
import { isBatonError } from "../../errors.ts";
import { osSandboxAvailability } from "../../security/sandbox.ts";
import { BATON_VERSION } from "../../version.ts";
import type { Routes } from "../app.ts";

const Health = z.object({
  status: z.enum(["ok", "degraded"]),
  version: z.string(),
  database: z.object({ dialect: z.string(), ok: z.boolean(), error: z.string().optional() }),
});

const Info = z.object({
  version: z.string(),
  models: z.object({ initializer: z.string(), coding: z.string(), review: z.string() }),
  dirs: z.object({ home: z.string(), generations: z.string() }),
  auth: z.enum(["password", "none"]),
  credentials: z.object({
    kind: z.string().nullable().describe("which credentials sessions use (Claude Code's precedence)"),
    label: z.string().nullable().describe("the same, in words"),
    warnings: z.array(z.string()).describe("e.g. an API key is set and beats a subscription token"),
    problem: z.string().nullable().describe("why sessions cannot start, when no credentials are usable"),
  }),
  sandbox: z.object({ type: z.string(), available: z.boolean(), problems: z.array(z.string()) }),
});

/** Health (public) and what this server runs with. */
export const systemRoutes: Routes = (app, deps) => {
  app.get(
    "/api/health",
    {
      schema: {
        tags: ["system"],
        summary: "Is the server up and its database reachable",
        response: { 200: Health, 503: Health },
      },
    },
    async (_request, reply) => {
      try {
        await deps.stores.projects.list();
        return {
          status: "ok" as const,
          version: BATON_VERSION,
          database: { dialect: deps.database.dialect, ok: true },
        };
      } catch (error) {
        return reply.code(503).send({
          status: "degraded" as const,
          version: BATON_VERSION,
          database: { dialect: deps.database.dialect, ok: false, error: (error as Error).message },
        });
      }
    },
  );

  app.get(
    "/api/info",
    {
      schema: {
        tags: ["system"],
        summary: "Models, directories, auth mode, credentials and sandbox",
        response: { 200: Info },
      },
    },
    async () => {
      let credentials: z.infer<typeof Info>["credentials"];
      try {
        const { kind, warnings } = detectCredentials(deps.env);
        credentials = { kind, label: describeCredentials(kind), warnings, problem: null };
      } catch (error) {
        if (!isBatonError(error)) throw error;
        credentials = { kind: null, label: null, warnings: [], problem: error.message };
      }
      const type = deps.config.sandbox.type;
      const sandbox =
        type === "os"
          ? osSandboxAvailability(process.platform, deps.env.PATH ?? "")
          : { available: type === "none", problems: [] };
      return {
        version: BATON_VERSION,
        models: deps.config.models,
        dirs: { home: deps.home, generations: path.resolve(deps.config.project.generations_dir) },
        auth: deps.auth.enabled ? ("password" as const) : ("none" as const),
        credentials,
        sandbox: { type, ...sandbox },
      };
    },
  );
};
