/**
 * npm run bench:cli — how long a person waits for `baton`: wall time from the command to its exit
 * (or, for `npm start`, to the first page served), as separate processes on a data directory
 * holding one project with a plan of 900 tests. Each figure runs BENCH_RUNS times (default 3)
 * after one warm-up; min / median / max. The compiled lib/ is what `baton` runs (the install
 * builds it); the sources through tsx (BATON_FROM_SOURCE=1) are shown for comparison.
 *
 * Goals: `baton --help` and `baton status` ≤ 250 ms; `npm start` to the first page ≤ 1 s.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withoutCredentials } from "../src/agent/credentials.ts";
import { openDatabase } from "../src/db/database.ts";
import { createStores } from "../src/db/stores/index.ts";
import { resolveDatabaseTarget } from "../src/db/url.ts";
import { freePort } from "../test/helpers/ports.ts";
import { load, spread } from "./figures.ts";
import { buildPlan } from "./plan.ts";

const ROOT = join(import.meta.dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const home = mkdtempSync(join(tmpdir(), "baton-bench-cli-"));
const env = { ...withoutCredentials(process.env), BATON_HOME: home };

/** Runs `command` to its end; its wall time in ms (throws when it fails). */
function timed(command: string, args: string[], extra: Record<string, string> = {}): number {
  const t0 = performance.now();
  const result = spawnSync(command, args, { cwd: ROOT, env: { ...env, ...extra }, encoding: "utf8" });
  const ms = performance.now() - t0;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr}`);
  return ms;
}

/** Starts `command` in its own process group and waits for its first page; the ms to it. */
async function firstPage(command: string, args: (port: number) => string[]): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child: ChildProcess = spawn(command, args(port), { cwd: ROOT, env, detached: true, stdio: "ignore" });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return performance.now() - t0;
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  }
}

async function measure(label: string, goalMs: number | null, run: () => number | Promise<number>) {
  await run(); // warm-up: the file cache
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) ms.push(await run());
  const verdict =
    goalMs === null ? "" : ` — goal ≤ ${goalMs} ms: ${Math.max(...ms) <= goalMs ? "met" : "MISSED"}`;
  console.log(`  ${label.padEnd(44)} ${spread(ms, 0)}${verdict}`);
  return ms;
}

try {
  const database = await openDatabase(
    resolveDatabaseTarget(`sqlite:${join(home, "baton.db")}`, { home, cwd: home }),
  );
  await buildPlan(createStores(database.db), join(home, "app"));
  await database.close();
  if (spawnSync(process.execPath, ["scripts/build-lib.mjs"], { cwd: ROOT }).status !== 0) {
    throw new Error("lib/ could not be built");
  }
  console.log(`load before: ${load()}; ms, min / median / max of ${RUNS} runs`);
  const baton = (args: string[], extra = {}) => timed(process.execPath, ["bin/baton.js", ...args], extra);
  const fromSource = { BATON_FROM_SOURCE: "1" };
  await measure("baton --help", 250, () => baton(["--help"]));
  await measure("baton status bench (900 tests)", 250, () => baton(["status", "bench"]));
  await measure("baton projects", 250, () => baton(["projects"]));
  await measure("npx baton --help", null, () => timed("npx", ["baton", "--help"]));
  await measure("baton --help from the sources (tsx)", null, () => baton(["--help"], fromSource));
  await measure("baton status from the sources (tsx)", null, () => baton(["status", "bench"], fromSource));
  await measure("baton start → first page", 1000, () =>
    firstPage(process.execPath, (port) => ["bin/baton.js", "start", "--port", String(port)]),
  );
  await measure("npm start → first page", 1000, () =>
    firstPage("npm", (port) => ["start", "--", "--port", String(port)]),
  );
  console.log(`load after: ${load()}`);
} finally {
  rmSync(home, { recursive: true, force: true });
}
