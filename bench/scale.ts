/**
 * npm run bench:scale — runs as jobs on PostgreSQL (docs/deploy.md), with real processes: API
 * servers (`baton serve --no-worker`) and workers (`baton worker`), each in its own process group,
 * the real SDK and Claude Code against the scripted model, the OS sandbox. Three runs of each
 * figure, each on a fresh schema; min / median / max and the machine's load are printed.
 *
 * - scaling: 12 planned projects (one epic, two tasks of one test each) started through the API,
 *   spread over the replicas; the time from the first start to the last project complete, as
 *   coding sessions per minute — with 1 worker and 1 API server, then 3 workers and 2 API servers.
 *   Each worker runs one project at a time (orchestrator.max_concurrent_projects=1), so the ratio
 *   is the workers'. Goal ≥ 2.5× where the machine allows (on 2 cores it cannot: see the docs).
 * - take-over: 2 workers, the default lease (worker.lease_s 60); `kill -9` of the worker in the
 *   middle of a session; the time until the project's next session starts on the other worker
 *   (goal ≤ 60 s); its sessions' numbers unique and never overlapping; the events seen through each
 *   of two API servers' WebSockets against the event log (goal: none lost).
 * - start overhead: 3 idle workers; 10 starts, one after another (each run ends before the
 *   next start); from the job's creation to its first session running (goal p99 < 500 ms), and
 *   the start request's answer time.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import WebSocket from "ws";
import { withoutCredentials } from "../src/agent/credentials.ts";
import { type Database, openDatabase } from "../src/db/database.ts";
import { createStores, type Stores } from "../src/db/stores/index.ts";
import { resolveDatabaseTarget } from "../src/db/url.ts";
import { asBatonEvent } from "../src/events/catalog.ts";
import { createProject } from "../src/projects/create-project.ts";
import type { Project } from "../src/projects/model.ts";
import { batonScript, type ScriptedModel, startScriptedModel } from "../src/scripted-model/index.ts";
import { toEnvelope } from "../src/server/ws/map-event.ts";
import { freePort } from "../test/helpers/ports.ts";
import { load, spread } from "./figures.ts";
import { freshSchema } from "./pg-schema.ts";
import { quantile } from "./server.ts";

const ROOT = join(import.meta.dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** Which figures to measure (all by default): BENCH_PARTS=scaling,takeover,overhead. */
const PARTS = (process.env.BENCH_PARTS ?? "scaling,takeover,overhead").split(",");
const PROJECTS = 12;

/** One bench run's world: a fresh schema, a Baton home, its processes; `close` removes it all. */
interface Cluster {
  stores: Stores;
  /** Baton's schema; the job queue's is `baton_jobs_<schema>`. */
  schema: string;
  root: string;
  env: Record<string, string | undefined>;
  apis: string[];
  workers: Proc[];
  worker(): Promise<Proc>;
  project(name: string, tasks: number): Promise<Project>;
  close(): Promise<void>;
}

interface Proc {
  child: ChildProcess;
  output(): string;
}

function start(args: string[], env: Record<string, string | undefined>, ready: string): Promise<Proc> {
  const child = spawn(process.execPath, [join(ROOT, "bin/baton.js"), ...args], {
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const take = (chunk: Buffer) => {
      output += String(chunk);
      if (output.includes(ready)) resolve({ child, output: () => output });
    };
    child.stdout?.on("data", take);
    child.stderr?.on("data", take);
    child.on("exit", (code) => reject(new Error(`baton ${args.join(" ")} exited ${code}: ${output}`)));
  });
}

function kill(proc: Proc, signal: NodeJS.Signals = "SIGKILL"): void {
  if (proc.child.exitCode !== null || proc.child.pid === undefined) return;
  try {
    process.kill(-proc.child.pid, signal);
  } catch {
    // gone already
  }
}

async function cluster(
  model: ScriptedModel,
  shape: { apis: number; workers: number },
  extra: Record<string, string> = {},
): Promise<Cluster> {
  const db = await freshSchema();
  const url = new URL(db.url);
  const root = mkdtempSync(join(tmpdir(), "baton-bench-scale-"));
  const home = join(root, "home");
  const env = {
    ...withoutCredentials(process.env),
    ...model.env(),
    DATABASE_URL: url.toString(),
    BATON_HOME: home,
    BATON_PROJECT_GENERATIONS_DIR: join(root, "generations"),
    BATON_TIMING_AUTO_CONTINUE_DELAY_S: "0",
    BATON_ORCHESTRATOR_MAX_CONCURRENT_PROJECTS: "1",
    ...extra,
  };
  const database: Database = await openDatabase(resolveDatabaseTarget(url.toString(), { home, cwd: root }));
  const stores = createStores(database.db);
  const procs: Proc[] = [];
  const apis: string[] = [];
  const workers: Proc[] = [];
  const worker = async () => {
    const proc = await start(["worker"], env, "taking runs");
    procs.push(proc);
    workers.push(proc);
    return proc;
  };
  try {
    for (let i = 0; i < shape.apis; i++) {
      const port = await freePort();
      procs.push(await start(["serve", "--no-worker", "--port", String(port)], env, "auth: "));
      apis.push(`127.0.0.1:${port}`);
    }
    for (let i = 0; i < shape.workers; i++) await worker();
  } catch (error) {
    for (const p of procs) kill(p);
    throw error;
  }
  return {
    stores,
    schema: db.schema,
    root,
    env,
    apis,
    workers,
    worker,
    async project(name, tasks) {
      writeFileSync(join(root, `${name}.md`), `# ${name}\n- greet\n`);
      const project = await createProject(stores, {
        name,
        directory: join(root, "apps", name),
        spec: join(root, `${name}.md`),
      });
      const epic = await stores.plan.createEpic(project.id, { name: "Greetings" });
      await stores.plan.expandEpic(
        project.id,
        epic.id,
        Array.from({ length: tasks }, (_, i) => ({
          description: `Say hello ${i + 1}`,
          tests: [{ description: `Say hello ${i + 1} runs` }],
        })),
      );
      return project;
    },
    async close() {
      for (const p of procs) kill(p);
      await database.close();
      await db.drop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

async function post(api: string, path: string): Promise<{ status: number; body: unknown; ms: number }> {
  const at = performance.now();
  const response = await fetch(`http://${api}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  return { status: response.status, body: await response.json(), ms: performance.now() - at };
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const complete = (stores: Stores, p: Project) => async () =>
  (await stores.projects.get(p.id)).status === "complete";

/** The machine's CPU time so far (all cores), busy and in all, from /proc/stat, in ticks. */
function cpuTicks(): { busy: number; total: number } {
  const fields = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "")
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

interface Scaling {
  perMinute: number;
  /** Share of the machine's CPU time that was busy during the run, 0 to 1. */
  busy: number;
}

/** Coding sessions per minute: 12 projects through the API, on `shape`. */
async function scaling(model: ScriptedModel, shape: { apis: number; workers: number }): Promise<Scaling> {
  const c = await cluster(model, shape);
  try {
    const projects: Project[] = [];
    for (let i = 0; i < PROJECTS; i++) projects.push(await c.project(`p${i}`, 2));
    const at = performance.now();
    const cpu = cpuTicks();
    const answers = await Promise.all(
      projects.map((p, i) => post(c.apis[i % c.apis.length] ?? "", `/api/projects/${p.id}/coding/start`)),
    );
    const refused = answers.filter((a) => a.status !== 202);
    if (refused.length > 0) throw new Error(`starts refused: ${JSON.stringify(refused)}`);
    for (const p of projects) await until(complete(c.stores, p), `${p.name} to complete`);
    const minutes = (performance.now() - at) / 60_000;
    const after = cpuTicks();
    let sessions = 0;
    for (const p of projects) sessions += (await c.stores.sessions.list(p.id, { type: "coding" })).length;
    return { perMinute: sessions / minutes, busy: (after.busy - cpu.busy) / (after.total - cpu.total) };
  } finally {
    await c.close();
  }
}

/** Events seen by a project's WebSocket on `api`: their seqs. */
function watch(
  api: string,
  projectId: number,
): { seqs: Set<number>; socket: WebSocket; ready: Promise<void> } {
  const seqs = new Set<number>();
  const socket = new WebSocket(`ws://${api}/api/ws?project=${projectId}`);
  const ready = new Promise<void>((resolve, reject) => {
    socket.on("message", (data) => {
      const m = JSON.parse(String(data)) as { type: string; seq: number };
      if (m.type === "snapshot") resolve();
      else seqs.add(m.seq);
    });
    socket.on("error", reject);
  });
  return { seqs, socket, ready };
}

interface TakeOver {
  seconds: number;
  duplicates: number;
  lost: number[];
}

/** kill -9 of the worker in the middle of a session: how long until the project runs again. */
async function takeOver(model: ScriptedModel): Promise<TakeOver> {
  const c = await cluster(model, { apis: 2, workers: 2 });
  try {
    const project = await c.project("victim", 4);
    const streams = c.apis.map((api) => watch(api, project.id));
    await Promise.all(streams.map((s) => s.ready));
    const started = await post(c.apis[0] ?? "", `/api/projects/${project.id}/coding/start`);
    if (started.status !== 202) throw new Error(`start refused: ${JSON.stringify(started.body)}`);
    // The second coding session, running: the worker holding it is killed.
    let victim: { id: number; worker_id: string | null } | undefined;
    await until(async () => {
      const running = await c.stores.sessions.running(project.id);
      if (running && running.number >= 2) victim = running;
      return victim !== undefined;
    }, "the second session");
    const holder = c.workers.find((w) => victim?.worker_id?.endsWith(`:${w.child.pid}`));
    if (!holder || !victim) throw new Error(`no worker holds session ${victim?.id}`);
    kill(holder);
    const killedAt = Date.now();
    const victimId = victim.id;
    let resumedAt = 0;
    await until(async () => {
      const next = (await c.stores.sessions.list(project.id, { type: "coding" })).find(
        (s) => s.id > victimId && s.started_at !== null,
      );
      if (next?.started_at) resumedAt = Date.parse(next.started_at);
      return resumedAt > 0;
    }, "the project to run again");
    await until(complete(c.stores, project), "the project to complete");
    const sessions = (await c.stores.sessions.list(project.id)).filter((s) => s.type !== "review");
    const duplicates = sessions.length - new Set(sessions.map((s) => s.number)).size;
    // Every streamed event of the project, seen through both API servers.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const expected = (await c.stores.sessions.listProjectEvents(project.id, { limit: 100_000 }))
      .map((row) => asBatonEvent(row))
      .filter((event) => event !== null && toEnvelope(event) !== null)
      .map((event) => event?.id ?? 0);
    const lost = streams.map((s) => expected.filter((id) => !s.seqs.has(id)).length);
    for (const s of streams) s.socket.close();
    return { seconds: (resumedAt - killedAt) / 1000, duplicates, lost };
  } finally {
    await c.close();
  }
}

interface Overhead {
  queueMs: number[];
  answerMs: number[];
}

/** Job created → first session running, with idle workers; 10 starts one after another. */
async function startOverhead(model: ScriptedModel): Promise<Overhead> {
  const c = await cluster(model, { apis: 1, workers: 3 });
  const result: Overhead = { queueMs: [], answerMs: [] };
  const client = new pg.Client({ connectionString: c.env.DATABASE_URL });
  await client.connect();
  try {
    for (let i = 0; i < 10; i++) {
      const project = await c.project(`s${i}`, 1);
      const answer = await post(c.apis[0] ?? "", `/api/projects/${project.id}/coding/start`);
      if (answer.status !== 202) throw new Error(`start refused: ${JSON.stringify(answer.body)}`);
      result.answerMs.push(answer.ms);
      const { session_id } = answer.body as { session_id: number };
      const session = await c.stores.sessions.get(session_id);
      const { rows } = await client.query<{ created_on: Date }>(
        `select created_on from "${`baton_jobs_${c.schema}`.slice(0, 50)}".job where singleton_key = $1`,
        [String(project.id)],
      );
      const created = rows[0]?.created_on.getTime() ?? Number.NaN;
      result.queueMs.push(Date.parse(session.started_at ?? "") - created);
      await until(complete(c.stores, project), `${project.name} to complete`);
    }
    return result;
  } finally {
    await client.end();
    await c.close();
  }
}

const model = await startScriptedModel(batonScript);
/** Scaling: 1 worker and 1 API server, then 3 workers and 2 API servers, RUNS times. */
async function reportScaling(model: ScriptedModel): Promise<void> {
  const oneRuns: Scaling[] = [];
  const threeRuns: Scaling[] = [];
  for (let i = 0; i < RUNS; i++) {
    oneRuns.push(await scaling(model, { apis: 1, workers: 1 }));
    threeRuns.push(await scaling(model, { apis: 2, workers: 3 }));
    console.log(
      `  run ${i + 1}: 1 worker ${oneRuns.at(-1)?.perMinute.toFixed(1)}/min, 3 workers ${threeRuns.at(-1)?.perMinute.toFixed(1)}/min`,
    );
  }
  const one = oneRuns.map((r) => r.perMinute);
  const three = threeRuns.map((r) => r.perMinute);
  const ratios = three.map((v, i) => v / (one[i] ?? Number.NaN));
  console.log(
    `\nscaling, ${PROJECTS} projects of 2 sessions each, coding sessions per minute (min / median / max):`,
  );
  console.log(`  1 worker, 1 API server:   ${spread(one)}`);
  console.log(`  3 workers, 2 API servers: ${spread(three)}`);
  console.log(
    `  ratio: ${spread(ratios, 2)} — goal ≥ 2.5×: ${Math.min(...ratios) >= 2.5 ? "met" : "MISSED (see docs/deploy.md)"}`,
  );
  const percent = (runs: Scaling[]) => runs.map((r) => r.busy * 100);
  console.log(
    `  the machine's CPU busy, %: 1 worker ${spread(percent(oneRuns), 0)}, 3 workers ${spread(percent(threeRuns), 0)} (${cpus().length} cores)`,
  );
}

async function reportTakeOver(model: ScriptedModel): Promise<void> {
  const takeOvers: TakeOver[] = [];
  for (let i = 0; i < RUNS; i++) takeOvers.push(await takeOver(model));
  const seconds = takeOvers.map((t) => t.seconds);
  console.log("\nkill -9 of a worker mid-session (lease 60 s, the default):");
  console.log(
    `  until the project runs again, s: ${spread(seconds)} — goal ≤ 60 s: ${Math.max(...seconds) <= 60 ? "met" : "MISSED"}`,
  );
  console.log(`  duplicate sessions: ${takeOvers.map((t) => t.duplicates).join(", ")}`);
  console.log(
    `  events lost through each of 2 API servers: ${takeOvers.map((t) => t.lost.join("+")).join(", ")}`,
  );
}

async function reportOverhead(model: ScriptedModel): Promise<void> {
  const overheads: Overhead[] = [];
  for (let i = 0; i < RUNS; i++) overheads.push(await startOverhead(model));
  const at = (q: number, pick: (o: Overhead) => number[]) =>
    overheads.map((o) =>
      quantile(
        [...pick(o)].sort((a, b) => a - b),
        q,
      ),
    );
  const queueP99 = at(0.99, (o) => o.queueMs);
  console.log("\nstart overhead with idle workers (10 starts a run):");
  console.log(
    `  job created → session running, p50 ms: ${spread(
      at(0.5, (o) => o.queueMs),
      0,
    )}`,
  );
  console.log(
    `  job created → session running, p99 ms: ${spread(queueP99, 0)} — goal < 500 ms: ${Math.max(...queueP99) < 500 ? "met" : "MISSED"}`,
  );
  console.log(
    `  the start request's answer, p99 ms: ${spread(
      at(0.99, (o) => o.answerMs),
      0,
    )}`,
  );
}

const REPORTS: Record<string, (model: ScriptedModel) => Promise<void>> = {
  scaling: reportScaling,
  takeover: reportTakeOver,
  overhead: reportOverhead,
};

try {
  console.log(`load before: ${load()} (${RUNS} runs of each figure)`);
  for (const part of PARTS) {
    const report = REPORTS[part];
    if (!report) throw new Error(`BENCH_PARTS: no part ${part} (${Object.keys(REPORTS).join(", ")})`);
    await report(model);
  }
  console.log(`\nload after: ${load()}`);
} finally {
  await model.close();
}
