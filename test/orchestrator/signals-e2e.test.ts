import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, expect, it } from "vitest";
import { withoutCredentials } from "../../src/agent/credentials.ts";
import { openDatabase } from "../../src/db/database.ts";
import { createStores, type Stores } from "../../src/db/stores/index.ts";
import { resolveDatabaseTarget } from "../../src/db/url.ts";
import {
  batonScript,
  firstUserText,
  type ScriptedModel,
  startScriptedModel,
} from "../../src/scripted-model/index.ts";
import { processesIn } from "../helpers/processes.ts";
import { makeWorld } from "../helpers/world.ts";
import { SPEC } from "./harness.ts";

const BATON = join(import.meta.dirname, "..", "..", "bin", "baton.js");
let model: ScriptedModel | undefined;
afterEach(async () => {
  await model?.close();
  model = undefined;
});

/** A scripted model whose first coding session hangs on its third turn until released. */
async function stallingModel() {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let stalled = false;
  const reached = { stalled: false };
  model = await startScriptedModel(async (request, context) => {
    if (
      !stalled &&
      /Session 1 — build/.test(firstUserText(request)) &&
      request.messages.filter((m) => m.role === "assistant").length === 2
    ) {
      stalled = true;
      reached.stalled = true;
      await released;
    }
    return batonScript(request, context);
  });
  return { model, release, reached };
}

function startRun(cwd: string, env: Record<string, string | undefined>, args: string[]) {
  const child = spawn(process.execPath, [BATON, "run", "--project-dir", "notes", ...args], { cwd, env });
  let out = "";
  child.stdout.on("data", (d) => {
    out += String(d);
  });
  child.stderr.on("data", (d) => {
    out += String(d);
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, output: () => out };
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function storesFor(home: string): Promise<{ stores: Stores; close: () => Promise<void> }> {
  const database = await openDatabase(
    resolveDatabaseTarget(`sqlite:${join(home, "baton.db")}`, { home, cwd: home }),
  );
  return { stores: createStores(database.db), close: () => database.close() };
}

function setUpWorld(scripted: ScriptedModel) {
  const w = makeWorld();
  w.write("project/spec.md", SPEC);
  const env = {
    ...withoutCredentials(process.env),
    ...scripted.env(),
    ...w.env,
    BATON_TIMING_AUTO_CONTINUE_DELAY_S: "0",
    BATON_TIMING_HEARTBEAT_INTERVAL_S: "1",
    BATON_TIMING_STALE_AFTER_S: "10",
  };
  return { w, env, projectDir: join(w.cwd, "generations", "notes") };
}

it("finishes the running session as interrupted on Ctrl+C, exits 0, and a second run resumes it", async () => {
  const { model: scripted, release, reached } = await stallingModel();
  const { w, env, projectDir } = setUpWorld(scripted);
  const first = startRun(w.cwd, env, ["--spec", "spec.md", "--auto"]);
  await until(() => reached.stalled, "session 1 to be mid-way");
  first.child.kill("SIGINT");
  expect(await first.exited).toBe(0);
  expect(first.output()).toContain("SIGINT: stopping; the running session is being finished");
  expect(first.output()).toMatch(/stopped: stopped by SIGINT/);
  await until(() => processesIn(projectDir).length === 0, "the session's processes to end", 5_000);

  const db = await storesFor(w.home);
  try {
    const project = await db.stores.projects.find("notes");
    const s1 = await db.stores.sessions.getByNumber(project.id, 1);
    expect(s1).toMatchObject({ status: "interrupted", interruption_reason: "stopped by SIGINT" });
    const logDir = join(w.home, "logs", String(project.id));
    const txt = readFileSync(join(logDir, `${s1.log_path}.txt`), "utf8");
    expect(txt).toMatch(/END +interrupted: stopped by SIGINT/);
    expect(txt).toMatch(/Summary\n {2}Status +interrupted \(stopped by SIGINT\)/);
    const jsonl = readFileSync(join(logDir, `${s1.log_path}.jsonl`), "utf8")
      .trim()
      .split("\n");
    expect(JSON.parse(jsonl.at(-1) ?? "{}")).toMatchObject({
      type: "session_end",
      payload: { status: "interrupted" },
    });
    expect((await db.stores.plan.getTask(project.id, 1)).status).toBe("in_progress");

    release();
    const second = startRun(w.cwd, env, []);
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain("complete: every task is done and all 3 tests pass");
    const task1 = await db.stores.plan.getTask(project.id, 1);
    expect(task1.status).toBe("done");
    // The interrupted task was offered first: session 2 finished it.
    expect(task1.session_id).toBe((await db.stores.sessions.getByNumber(project.id, 2)).id);
  } finally {
    await db.close();
  }
});

it("recovers after the run is killed outright: the stale session is marked interrupted and the project completes", async () => {
  const { model: scripted, release, reached } = await stallingModel();
  const { w, env, projectDir } = setUpWorld(scripted);
  const first = startRun(w.cwd, env, ["--spec", "spec.md", "--auto"]);
  await until(() => reached.stalled, "session 1 to be mid-way");
  first.child.kill("SIGKILL");
  await first.exited;
  release();
  // The orphaned Claude Code process notices its parent is gone and ends.
  await until(() => processesIn(projectDir).length === 0, "the orphaned session process to end", 10_000);

  const db = await storesFor(w.home);
  try {
    const project = await db.stores.projects.find("notes");
    expect((await db.stores.sessions.getByNumber(project.id, 1)).status).toBe("running");
    await sleep(10_500); // the heartbeat goes stale (timing.stale_after_s = 10)
    const second = startRun(w.cwd, env, []);
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain("session 1 was left running by a dead worker; marked interrupted");
    expect(second.output()).toContain("complete: every task is done");
    const s1 = await db.stores.sessions.getByNumber(project.id, 1);
    expect(s1.status).toBe("interrupted");
    expect(s1.interruption_reason).toMatch(/^its worker \(cli:.+\) stopped sending heartbeats/);
  } finally {
    await db.close();
  }
}, 60_000);
