import path from "node:path";
import { sql } from "kysely";
import { z } from "zod";
import { describeCredentials, detectCredentials } from "../../agent/credentials.ts";
import { isBatonError } from "../../errors.ts";
import { Capacity } from "../../orchestrator/capacity.ts";
import { osSandboxAvailability } from "../../security/sandbox.ts";
import { BATON_VERSION } from "../../version.ts";
import type { Routes } from "../app.ts";

const Health = z.object({
  status: z.enum(["ok", "degraded"]),
  version: z.string(),
  database: z.object({ dialect: z.string(), ok: z.boolean(), error: z.string().optional() }),
});

const Check = z.object({ ok: z.boolean(), error: z.string().optional() });
const Ready = z.object({
  ready: z.boolean(),
  checks: z.object({
    database: Check,
    queue: Check.optional().describe("the job queue, on a server that queues its runs"),
    accepting_runs: z.boolean().describe("false once the process got SIGTERM and finishes its sessions"),
  }),
});

/** Runs `probe`: ok, or the error's message. */
async function check(probe: () => Promise<unknown>): Promise<z.infer<typeof Check>> {
  try {
    await probe();
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

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
      const database = await check(() => sql`select 1`.execute(deps.database.db));
      return reply.code(database.ok ? 200 : 503).send({
        status: database.ok ? ("ok" as const) : ("degraded" as const),
        version: BATON_VERSION,
        database: { dialect: deps.database.dialect, ...database },
      });
    },
  );

  app.get(
    "/api/ready",
    {
      schema: {
        tags: ["system"],
        summary: "Should this server get traffic: database (and queue) reachable, not shutting down",
        response: { 200: Ready, 503: Ready },
      },
    },
    async (_request, reply) => {
      const { orchestrator, database } = deps;
      const [db, queue] = await Promise.all([
        check(() => sql`select 1`.execute(database.db)),
        orchestrator.hasQueue ? check(() => orchestrator.checkQueue()) : undefined,
      ]);
      const checks = { database: db, ...(queue ? { queue } : {}), accepting_runs: !orchestrator.stopping };
      const ready = db.ok && (queue?.ok ?? true) && checks.accepting_runs;
      return reply.code(ready ? 200 : 503).send({ ready, checks });
    },
  );

  app.get(
    "/api/capacity",
    {
      schema: {
        tags: ["system"],
        summary: "Sessions running, runs queued, the workers and the limits",
        response: { 200: Capacity },
      },
    },
    async () => deps.orchestrator.capacity(),
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
