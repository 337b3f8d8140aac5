import { join } from "node:path";
import { afterEach } from "vitest";
import { withoutCredentials } from "../../src/agent/credentials.ts";
import { type Config, Config as ConfigSchema } from "../../src/config/schema.ts";
import type { BatonEvent } from "../../src/events/catalog.ts";
import { Orchestrator } from "../../src/orchestrator/orchestrator.ts";
import type { ScriptedModel } from "../../src/scripted-model/index.ts";
import { type ApiApp, buildServer, type ServerDeps } from "../../src/server/app.ts";
import { Auth } from "../../src/server/auth.ts";
import type { TestDatabase } from "./databases.ts";
import { testLog } from "./log.ts";
import { makeWorld, type World } from "./world.ts";

export interface TestServer {
  app: ApiApp;
  deps: ServerDeps;
  world: World;
  /** Every event published while the server ran. */
  events: BatonEvent[];
  /** `{ authorization: "Bearer …" }` when a password is set (logged in once), else `{}`. */
  headers: Record<string, string>;
}

type ConfigOverrides = Partial<{ [K in keyof Config]: Partial<Config[K]> }>;

const open: TestServer[] = [];
afterEach(async () => {
  for (const { app, deps } of open.splice(0)) {
    deps.orchestrator.stopAll("the test ended");
    await deps.orchestrator.idle();
    await app.close();
  }
});

/**
 * A server on `t`'s database as `baton serve` builds it (not listening: use `app.inject`, or
 * `app.listen({ port: 0 })` for WebSocket tests). Projects go to the world's `generations/`;
 * sessions talk to `model` when given (no credentials otherwise); no delay between sessions.
 * Closed after each test.
 */
export async function testServer(
  t: TestDatabase,
  options: {
    model?: ScriptedModel;
    password?: string;
    config?: ConfigOverrides;
    /** Variables added to the server's environment (e.g. credentials). */
    env?: Record<string, string>;
  } = {},
): Promise<TestServer> {
  const world = makeWorld();
  const config = ConfigSchema.parse({
    ...options.config,
    timing: { auto_continue_delay_s: 0, ...options.config?.timing },
    project: { generations_dir: join(world.root, "generations"), ...options.config?.project },
    auth: { ui_password: options.password ?? null, ...options.config?.auth },
  });
  const env = { ...withoutCredentials(process.env), ...(options.model?.env() ?? {}), ...options.env };
  const bus = t.stores.bus;
  const events: BatonEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const orchestrator = new Orchestrator({
    stores: t.stores,
    bus,
    config,
    env,
    workerId: "test-server",
    log: testLog(),
    browser: null,
    batonHome: world.home,
  });
  const deps: ServerDeps = {
    database: t.database,
    stores: t.stores,
    bus,
    orchestrator,
    config,
    home: world.home,
    env,
    auth: Auth.fromConfig(config.auth, world.home),
  };
  const app = await buildServer(deps);
  let headers: Record<string, string> = {};
  if (options.password !== undefined) {
    const login = await app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { password: options.password },
    });
    headers = { authorization: `Bearer ${login.json().access_token}` };
  }
  const server = { app, deps, world, events, headers };
  open.push(server);
  return server;
}
