/**
 * Runs as durable jobs (PostgreSQL only): an API server that runs no sessions (`baton serve
 * --no-worker`) and two `baton worker` processes, each its own process group, the real SDK
 * against the scripted model. Projects started through the API run on the workers to
 * completion; a worker killed outright (`kill -9`) in the middle of a session loses its run to the
 * other worker once its lease runs out: that session ends interrupted, the same task is picked up
 * again, and no two sessions of a project ever overlap. A worker stopped with SIGTERM puts its
 * run back in the queue, and the next worker finishes it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { hostname } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Stores } from "../../src/db/stores/index.ts";
import type { Project } from "../../src/projects/model.ts";
import {
  assistantTurns,
  batonScript,
  firstUserText,
  type ScriptedModel,
  startScriptedModel,
} from "../../src/scripted-model/index.ts";
import { batonEnv } from "../helpers/cli.ts";
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from "../helpers/databases.ts";
import { freePort } from "../helpers/ports.ts";
import { newProject } from "../helpers/projects.ts";
import { makeWorld } from "../helpers/world.ts";

const BATON = join(import.meta.dirname, "../../bin/baton.js");
const LEASE_S = 10;

/** A baton process in its own process group, its output kept. */
interface Child {
  process: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}
const children: Child[] = [];

function baton(args: string[], env: Record<string, string | undefined>): Child {
  let output = "";
  const child = spawn(process.execPath, [BATON, ...args], {
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    output += String(chunk);
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const handle = { process: child, output: () => output, exited };
  children.push(handle);
  return handle;
}

/** Ends every connection of the database server whose application_name is like one of `names`. */
async function terminateConnections(...names: string[]): Promise<number> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      "select pg_terminate_backend(pid) as pid from pg_stat_activity where application_name like any($1)",
      [names],
    );
    return rows.length;
  } finally {
    await client.end();
  }
}

async function until(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 120_000,
  /** What to say besides, on a timeout (the state the wait saw). */
  explain: () => Promise<string> | string = () => "",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}. ${await explain()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The GREETER-like plan of one project: one epic, two tasks of one test each. */
async function seedPlan(stores: Stores, project: Project): Promise<void> {
  const epic = await stores.plan.createEpic(project.id, { name: "Greetings" });
  await stores.plan.expandEpic(project.id, epic.id, [
    { description: "Say hello", tests: [{ description: "Say hello runs" }] },
    { description: "Say goodbye", tests: [{ description: "Say goodbye runs" }] },
  ]);
}

/** The environment of the processes of one test: its database, the model, a 10 s lease. */
function processEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  const w = makeWorld();
  return {
    ...batonEnv(t, model, w.home),
    BATON_WORKER_LEASE_S: String(LEASE_S),
    BATON_PROJECT_GENERATIONS_DIR: join(w.root, "generations"),
    ...extra,
  };
}

/** Holds the first model call of the next coding session of `project` until `releaseHeld()`. */
function hold(project: string): void {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  held = { project, release: () => release(), released };
}

/** Lets the held model call go on. */
function releaseHeld(): void {
  held?.release();
  held = null;
}

/** A project with the plan of seedPlan. */
async function plannedProject(name: string): Promise<Project> {
  const { project } = await newProject(t.stores, { name, spec: `# ${name}\n- greet\n` });
  await seedPlan(t.stores, project);
  return project;
}

let model: ScriptedModel;
let t: TestDatabase;
/** While set, the first model call of a coding session of the project named here waits. */
let held: { project: string; release: () => void; released: Promise<void> } | null = null;

const pgOnly = TEST_DATABASE_URL ? describe : describe.skip;

beforeAll(async () => {
  if (!TEST_DATABASE_URL) return;
  t = await createTestDatabase("postgres");
  model = await startScriptedModel(async (request, context) => {
    const gate = held;
    const text = firstUserText(request);
    if (
      gate &&
      assistantTurns(request) === 0 &&
      !/Session 0 — plan/.test(text) &&
      text.includes(gate.project)
    )
      await gate.released;
    return batonScript(request, context);
  });
}, 60_000);

afterAll(async () => {
  held?.release();
  for (const child of children) {
    if (child.process.exitCode === null && child.process.pid !== undefined) {
      try {
        process.kill(-child.process.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
  await model?.close();
  if (t && t.database.target.dialect === "postgres") {
    // The queue's own schema, which pg-boss made beside the test's (`baton_jobs_<schema>`).
    const options = new URL(t.database.target.url).searchParams.get("options") ?? "";
    const schema = /search_path=(\w+)/.exec(options)?.[1] ?? "";
    await t.cleanup();
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`drop schema if exists "${`baton_jobs_${schema}`.slice(0, 50)}" cascade`);
    await client.end();
  }
});

pgOnly("runs as jobs on PostgreSQL, taken by baton worker processes", () => {
  it("runs projects started through an API server on two workers; a killed worker's run finishes on the other", async () => {
    const env = processEnv();
    const port = await freePort();
    const api = baton(["serve", "--no-worker", "--port", String(port)], env);
    await until(() => api.output().includes("auth: "), "the API server");
    const post = (path: string, body: object = {}) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });

    const projects: Project[] = [];
    for (const name of ["alpha", "beta", "gamma"]) {
      const project = await plannedProject(name);
      projects.push(project);
    }
    const [alpha, beta, gamma] = projects as [Project, Project, Project];

    // One worker first: alpha's first session runs there, and waits on the model.
    const first = baton(["worker"], env);
    await until(() => first.output().includes("taking runs"), "the first worker");
    hold("alpha");
    const started = await post(`/api/projects/${alpha.id}/coding/start`);
    expect(started.status, await started.clone().text()).toBe(202);
    const session = (await started.json()) as { session_id: number };
    const killedSession = await t.stores.sessions.get(session.session_id);
    expect(killedSession.worker_id).toMatch(/^worker:/);

    // A second start of the same project is refused: it is queued or running already.
    expect((await post(`/api/projects/${alpha.id}/coding/start`)).status).toBe(409);

    const second = baton(["worker"], env);
    await until(() => second.output().includes("taking runs"), "the second worker");
    for (const p of [beta, gamma])
      expect((await post(`/api/projects/${p.id}/coding/start`)).status).toBe(202);

    // kill -9 of the worker holding alpha, in the middle of its session.
    first.process.kill("SIGKILL");
    const killedAt = Date.now();
    releaseHeld();

    await until(
      async () => (await t.stores.sessions.get(killedSession.id)).status !== "running",
      "the killed worker's session to end",
      LEASE_S * 1000 + 60_000,
    );
    const ended = await t.stores.sessions.get(killedSession.id);
    expect(ended.status).toBe("interrupted");
    const resumedWithinS = (Date.now() - killedAt) / 1000;

    for (const p of projects) {
      await until(
        async () => (await t.stores.projects.get(p.id)).status === "complete",
        `${p.name} to complete`,
        180_000,
      );
    }

    for (const p of projects) {
      // Work sessions (a review session has numbers of its own).
      const sessions = (await t.stores.sessions.list(p.id))
        .filter((s) => s.type !== "review")
        .sort((a, b) => a.number - b.number);
      // Numbers are unique, and no two sessions of a project ran at the same time.
      expect(new Set(sessions.map((s) => s.number)).size).toBe(sessions.length);
      for (let i = 1; i < sessions.length; i++) {
        const previousEnd = Date.parse(sessions[i - 1]?.ended_at ?? "");
        expect(Date.parse(sessions[i]?.started_at ?? "")).toBeGreaterThanOrEqual(previousEnd);
      }
    }
    // Alpha went on on the other worker, with the task its killed session had.
    const alphaSessions = (await t.stores.sessions.list(alpha.id, { type: "coding" })).sort(
      (a, b) => a.number - b.number,
    );
    const after = alphaSessions.filter((s) => s.number > killedSession.number);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((s) => s.worker_id !== killedSession.worker_id)).toBe(true);
    console.log(
      `kill -9 → the killed session ended after ${resumedWithinS.toFixed(1)} s (lease ${LEASE_S} s)`,
    );

    // A worker stopped with SIGTERM in the middle of a session: the session ends interrupted, and
    // the run goes back to the queue for the next worker, which finishes it.
    const delta = await plannedProject("delta");
    hold("delta");
    const deltaStart = await post(`/api/projects/${delta.id}/coding/start`);
    expect(deltaStart.status).toBe(202);
    const deltaSession = ((await deltaStart.json()) as { session_id: number }).session_id;
    second.process.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    releaseHeld();
    expect(await t.stores.sessions.get(deltaSession)).toMatchObject({ status: "interrupted" });
    const thirdAppName = `worker-test-${process.pid}-3`;
    const third = baton(["worker"], { ...env, PGAPPNAME: thirdAppName });
    await until(
      async () => (await t.stores.projects.get(delta.id)).status === "complete",
      "delta to complete on the next worker",
      180_000,
    );
    const deltaAfter = (await t.stores.sessions.list(delta.id, { type: "coding" })).filter(
      (s) => s.id !== deltaSession,
    );
    expect(deltaAfter.length).toBeGreaterThan(0);
    expect(deltaAfter.every((s) => s.worker_id?.endsWith(`:${third.process.pid}`) === true)).toBe(true);

    // A worker that loses the database (every connection it has ended by the server) in the middle
    // of a session does not crash: it reconnects, and the project completes.
    const epsilon = await plannedProject("epsilon");
    hold("epsilon");
    expect((await post(`/api/projects/${epsilon.id}/coding/start`)).status).toBe(202);
    const cut = await terminateConnections(`baton-queue worker:%:${third.process.pid}`, thirdAppName);
    expect(cut).toBeGreaterThanOrEqual(2); // its pool, its event feed and the queue's
    releaseHeld();
    await until(
      async () => (await t.stores.projects.get(epsilon.id)).status === "complete",
      "epsilon to complete on the worker that lost the database",
      180_000,
      async () => {
        const project = await t.stores.projects.get(epsilon.id);
        const sessions = await t.stores.sessions.list(epsilon.id);
        const events = await t.stores.sessions.listProjectEvents(epsilon.id);
        return [
          `epsilon is ${project.status}; sessions ${JSON.stringify(sessions.map((s) => [s.number, s.type, s.status, s.error]))}`,
          `project events ${JSON.stringify(events.filter((e) => e.session_id === null).map((e) => [e.type, e.payload]))}`,
          `worker output:\n${third.output().slice(-3_000)}`,
        ].join("\n");
      },
    );
    expect(third.process.exitCode).toBeNull();
    expect(third.output()).not.toMatch(/Unhandled|uncaught/i);

    // The last worker and the API server stop cleanly on SIGTERM.
    third.process.kill("SIGTERM");
    api.process.kill("SIGTERM");
    expect(await third.exited).toBe(0);
    expect(await api.exited).toBe(0);
  }, 420_000);

  it("holds to worker.max_sessions across workers: the runs beyond it wait, shown as queued", async () => {
    const env = processEnv({ BATON_WORKER_MAX_SESSIONS: "1" });
    const port = await freePort();
    const api = baton(["serve", "--no-worker", "--port", String(port)], env);
    await until(() => api.output().includes("auth: "), "the API server");
    const workers = [baton(["worker"], env), baton(["worker"], env)];
    for (const worker of workers) await until(() => worker.output().includes("taking runs"), "a worker");
    const capacity = async () =>
      (await (await fetch(`http://127.0.0.1:${port}/api/capacity`)).json()) as {
        running: { project_id: number }[];
        queued: { project_id: number }[];
        workers: { id: string; concurrency: number }[];
        max_sessions: number | null;
      };
    await until(async () => (await capacity()).workers.length === 2, "both workers to show");

    const projects: Project[] = [];
    for (const name of ["one", "two"]) {
      const project = await plannedProject(name);
      projects.push(project);
    }
    const [one, two] = projects as [Project, Project];
    hold("one");
    const started = await fetch(`http://127.0.0.1:${port}/api/projects/${one.id}/coding/start`, {
      method: "POST",
    });
    expect(started.status).toBe(202);
    // Two is started while one holds the only slot: it stays queued, though a worker is idle.
    const second = fetch(`http://127.0.0.1:${port}/api/projects/${two.id}/coding/start`, { method: "POST" });
    await until(async () => (await capacity()).queued.length === 1, "two to be queued");
    const busy = await capacity();
    expect(busy).toMatchObject({
      max_sessions: 1,
      running: [{ project_id: one.id }],
      queued: [{ project_id: two.id }],
    });
    expect(busy.workers.map((worker) => worker.concurrency)).toEqual([3, 3]);
    const status = await new Promise<string>((resolve) => {
      const child = baton(["status", "--capacity"], env);
      void child.exited.then(() => resolve(child.output()));
    });
    expect(status).toMatch(/^1 session running, 1 run queued: at most 1 across all workers/);
    expect(status).toMatch(/queued:\n.*\ntwo /);
    // The start answers that the run is queued (a worker is live; the limit holds it back).
    const queuedAnswer = await second;
    expect(queuedAnswer.status).toBe(202);
    expect(await queuedAnswer.json()).toMatchObject({
      project_id: two.id,
      queued: true,
      job_id: expect.any(String),
      message: expect.stringMatching(
        /^queued: every worker is busy \(.+\); the run starts when one has room$/,
      ),
    });
    releaseHeld();
    for (const p of projects) {
      await until(
        async () => (await t.stores.projects.get(p.id)).status === "complete",
        `${p.name} to complete`,
      );
    }
    // Never two sessions at once, across both projects and both workers.
    const sessions = (
      await Promise.all(projects.map(async (p) => t.stores.sessions.list(p.id, { type: "coding" })))
    )
      .flat()
      .sort((a, b) => Date.parse(a.started_at ?? "") - Date.parse(b.started_at ?? ""));
    for (let i = 1; i < sessions.length; i++) {
      expect(Date.parse(sessions[i]?.started_at ?? "")).toBeGreaterThanOrEqual(
        Date.parse(sessions[i - 1]?.ended_at ?? ""),
      );
    }
    for (const child of [...workers, api]) child.process.kill("SIGTERM");
    for (const child of [...workers, api]) expect(await child.exited).toBe(0);
  }, 300_000);

  it("a plain baton serve on PostgreSQL queues its runs and takes them itself, as a worker does", async () => {
    const env = processEnv();
    const port = await freePort();
    const server = baton(["serve", "--port", String(port)], env);
    await until(() => server.output().includes("taking runs from the queue"), "the server");
    const project = await plannedProject("solo");
    const started = await fetch(`http://127.0.0.1:${port}/api/projects/${project.id}/coding/start`, {
      method: "POST",
    });
    expect(started.status).toBe(202);
    const { session_id } = (await started.json()) as { session_id: number };
    expect((await t.stores.sessions.get(session_id)).worker_id).toBe(
      `server:${hostname()}:${server.process.pid}`,
    );
    await until(
      async () => (await t.stores.projects.get(project.id)).status === "complete",
      "solo to complete",
    );
    const capacity = async () =>
      (await (await fetch(`http://127.0.0.1:${port}/api/capacity`)).json()) as {
        queue: boolean;
        workers: { id: string }[];
      };
    expect((await capacity()).queue).toBe(true);
    // The server is among the live workers once its queue instance has sent the heartbeat that
    // names its worker (every 5 s; the run may well be over before the first).
    const self = `server:${hostname()}:${server.process.pid}`;
    await until(
      async () => (await capacity()).workers.some((worker) => worker.id === self),
      "the server among the live workers",
      30_000,
      async () => JSON.stringify(await capacity()),
    );
    server.process.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  }, 180_000);
});
