/**
 * The benchmarks' server: a real API server (buildServer, the web UI's build included) listening
 * on a free port, on embedded SQLite in a temp dir, with one project holding the 900-test plan
 * of bench/plan.ts.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Config } from "../src/config/schema.ts";
import { openDatabase } from "../src/db/database.ts";
import { createStores, type Stores } from "../src/db/stores/index.ts";
import { resolveDatabaseTarget } from "../src/db/url.ts";
import type { EventBus } from "../src/events/bus.ts";
import { Orchestrator } from "../src/orchestrator/orchestrator.ts";
import { buildServer } from "../src/server/app.ts";
import { Auth } from "../src/server/auth.ts";
import { testLog } from "../test/helpers/log.ts";
import { buildPlan } from "./plan.ts";

export interface BenchServer {
  /** http://127.0.0.1:PORT */
  base: string;
  stores: Stores;
  bus: EventBus;
  projectId: number;
  /** With `large`: a second project, of 5,004 tests. */
  largeProjectId: number | null;
  close(): Promise<void>;
}

export const LARGE_EPICS = 139;

export async function startBenchServer(
  name: string,
  options: { readCacheTtlMs?: number; large?: boolean } = {},
): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), `baton-bench-${name}-`));
  const home = join(dir, "home");
  mkdirSync(home);
  const database = await openDatabase(
    resolveDatabaseTarget(`sqlite:${join(dir, "baton.db")}`, { home: dir, cwd: dir }),
  );
  const config = Config.parse({ project: { generations_dir: join(dir, "generations") } });
  const stores = createStores(database.db);
  const bus = stores.bus;
  const env = { PATH: process.env.PATH };
  const orchestrator = new Orchestrator({
    stores,
    bus,
    config,
    env,
    workerId: "bench",
    log: testLog(),
    browser: null,
    batonHome: home,
  });
  const app = await buildServer(
    {
      database,
      stores,
      bus,
      orchestrator,
      config,
      home,
      env,
      auth: Auth.fromConfig(config.auth, home),
    },
    options.readCacheTtlMs === undefined ? {} : { readCacheTtlMs: options.readCacheTtlMs },
  );
  const close = async () => {
    await app.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const { projectId } = await buildPlan(stores, join(dir, `app-${randomBytes(3).toString("hex")}`));
    const large = options.large
      ? await buildPlan(stores, join(dir, "app-large"), LARGE_EPICS, "bench-large")
      : null;
    const base = await app.listen({ port: 0, host: "127.0.0.1" });
    return { base, stores, bus, projectId, largeProjectId: large?.projectId ?? null, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The value at quantile q (0–1) of ascending `sorted`. */
export function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.max(0, i)] ?? Number.NaN;
}
