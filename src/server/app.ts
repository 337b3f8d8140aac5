/**
 * The API server: Fastify with zod schemas (the same zod as the core), the OpenAPI document at
 * /api/openapi.json and browsable docs at /api/docs, `{ code, message, data? }` errors, JWT auth
 * when a password is set. Routes are thin: parse, authorize, call the orchestrator or a store,
 * map the result.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import cors from "@fastify/cors";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import type { Config } from "../config/schema.ts";
import type { Database } from "../db/database.ts";
import type { Stores } from "../db/stores/index.ts";
import type { EventBus } from "../events/bus.ts";
import { createEventFeed, DEFAULT_FEED_OPTIONS, type FeedOptions } from "../events/feed.ts";
import type { Logger } from "../logs/process-log.ts";
import type { Orchestrator } from "../orchestrator/orchestrator.ts";
import { BATON_VERSION } from "../version.ts";
import type { Auth } from "./auth.ts";
import { registerErrorHandling } from "./errors.ts";
import { registerEtags } from "./etag.ts";
import { ReadCache } from "./read-cache.ts";
import { authRoutes } from "./routes/auth.ts";
import { logsRoutes } from "./routes/logs.ts";
import { planRoutes } from "./routes/plan.ts";
import { projectEnvRoutes } from "./routes/project-env.ts";
import { projectsRoutes } from "./routes/projects.ts";
import { promptsRoutes } from "./routes/prompts.ts";
import { qualityRoutes } from "./routes/quality.ts";
import { runsRoutes } from "./routes/runs.ts";
import { sessionsRoutes } from "./routes/sessions.ts";
import { systemRoutes } from "./routes/system.ts";
import { wsRoutes } from "./routes/ws.ts";
import { uiRoutes } from "./ui.ts";
import { envelopeOpenApiSchema } from "./ws/envelope.ts";

/** The app as routes see it: every schema is zod. */
export type ApiApp = FastifyInstance<
  Server,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface ServerDeps {
  database: Database;
  stores: Stores;
  bus: EventBus;
  orchestrator: Orchestrator;
  config: Config;
  /** The Baton home (data dir). */
  home: string;
  /** The environment sessions run with (credentials are detected from it). */
  env: Record<string, string | undefined>;
  auth: Auth;
}

/** A route group: registers its routes on the app. */
export type Routes = (app: ApiApp, deps: ServerDeps) => void;

/** Route groups, in the order the OpenAPI document lists them. */
const ROUTES: Routes[] = [
  systemRoutes,
  authRoutes,
  projectsRoutes,
  planRoutes,
  runsRoutes,
  sessionsRoutes,
  logsRoutes,
  projectEnvRoutes,
  qualityRoutes,
  promptsRoutes,
  wsRoutes,
];

export async function buildServer(
  deps: ServerDeps,
  options: {
    /** The process log (`baton serve`'s): server errors and what the server survives. None: no log. */
    log?: Logger;
    extraRoutes?: Routes[];
    /** How the server follows events other processes write (false: it does not; see events/feed.ts). */
    feed?: FeedOptions | false;
    /** How long a read's answer is reused (default READ_CACHE_TTL_MS; 0: only identical reads in flight share one). */
    readCacheTtlMs?: number;
  } = {},
): Promise<ApiApp> {
  const app = Fastify({
    ...(options.log
      ? {
          loggerInstance: options.log as FastifyBaseLogger,
          // Not a line per request (the UI makes many); errors are logged by the error handler.
          logController: new LogController({ disableRequestLogging: true }),
        }
      : { logger: false }),
    bodyLimit: deps.config.server.max_upload_kb * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  await app.register(cors, {
    origin: deps.config.server.cors_origins.length ? deps.config.server.cors_origins : false,
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: "Baton API",
        version: BATON_VERSION,
        description: "Projects, plans, sessions and their events.",
      },
      components: {
        securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
        // Not a route's body: the WebSocket's messages (/api/ws), for clients' types.
        schemas: { Envelope: envelopeOpenApiSchema() },
      },
      security: deps.auth.enabled ? [{ bearer: [] }] : [],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: "/api/docs" });
  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  deps.auth.register(app);
  // In this order: the cache keeps the whole answer, then a client holding it gets a 304.
  new ReadCache(options.readCacheTtlMs).register(app, deps.bus);
  registerEtags(app);
  for (const routes of [...ROUTES, ...(options.extraRoutes ?? [])]) routes(app, deps);
  uiRoutes(app, deps); // the web UI: every path outside /api (after the API's routes)
  if (options.feed !== false) {
    const feed = createEventFeed({ ...deps, log: app.log }, options.feed ?? DEFAULT_FEED_OPTIONS);
    await feed.start();
    app.addHook("onClose", async () => feed.stop());
  }
  await app.ready();
  return app;
}
