import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { expect, it } from "vitest";
import { PROGRESS_NOTE } from "../../src/agent/progress-note.ts";
import { main } from "../../src/cli/main.ts";
import { isBatonError } from "../../src/errors.ts";
import { applyReset, planReset } from "../../src/orchestrator/reset.ts";
import type { Project } from "../../src/projects/model.ts";
import type { DockerOutput, DockerRunner } from "../../src/security/docker-sandbox.ts";
import { baton } from "../helpers/cli.ts";
import { describeEachDatabase, type TestDatabase } from "../helpers/databases.ts";
import { newProject } from "../helpers/projects.ts";
import { makeWorld } from "../helpers/world.ts";
import {
  codingSession,
  expectRowsAsAfterInit,
  filesOf,
  git,
  gitStateOf,
  initializedProject,
  logDirOf,
  rowsOf,
} from "./reset-fixtures.ts";

/** Everything a reset may change: the rows, every file of the project and of its logs, and git. */
async function everything(t: TestDatabase, project: Project, dir: string, home: string) {
  return {
    rows: await rowsOf(t, project.id),
    files: filesOf(dir),
    logs: filesOf(logDirOf(home, project)),
    git: gitStateOf(dir),
  };
}

/** A project initialized, then two coding sessions, a review with a quality check, and the leftovers of a run. */
async function workedOnProject(t: TestDatabase) {
  const { project, dir, home } = await initializedProject(t);
  const afterInit = { rows: await rowsOf(t, project.id), git: gitStateOf(dir) };
  const s1 = await codingSession(t, project, home);
  await codingSession(t, project, home);
  const review = await t.stores.sessions.create(project.id, { type: "review", model: "sonnet" });
  await t.stores.sessions.addUsage(review.id, { cost_usd: 0.125 });
  await t.stores.quality.add({ session_id: s1.id, kind: "quick", rating: 8 });
  await t.stores.sessions.appendProjectEvent(project.id, { type: "auto_continue", payload: { delay_s: 3 } });
  await t.stores.projects.markComplete(project.id);
  await t.stores.projects.update(project.id, {
    stop_after_current: true,
    paused_until: "2026-01-02T00:00:00.000Z",
  });
  // Uncommitted work, an untracked file and folder, and ignored files.
  writeFileSync(join(dir, "README.md"), "# App, edited\n");
  writeFileSync(join(dir, "scratch.txt"), "notes\n");
  mkdirSync(join(dir, "tmp"));
  writeFileSync(join(dir, "tmp", "x.txt"), "x\n");
  mkdirSync(join(dir, "node_modules", "dep"), { recursive: true });
  writeFileSync(join(dir, "node_modules", "dep", "index.js"), "\n");
  writeFileSync(join(dir, ".env"), "SECRET=1\n");
  return { project, dir, home, afterInit };
}

function ttyInput(answer: string): PassThrough & { isTTY: boolean } {
  const input = Object.assign(new PassThrough(), { isTTY: true });
  input.end(answer);
  return input;
}

/** A docker CLI that records each command and answers it with `answer`; it starts nothing. */
function recordingDocker(
  answer: (args: readonly string[]) => DockerOutput,
): DockerRunner & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    run: async (args) => {
      calls.push([...args]);
      return answer(args);
    },
    start: () => {
      throw new Error("a reset starts no process in a container");
    },
  };
}

function databaseUrlOf(t: TestDatabase): string {
  const target = t.database.target;
  return target.dialect === "sqlite" ? `sqlite:${target.path}` : target.url;
}

describeEachDatabase("baton reset", (db) => {
  it("takes the rows, the tree and the counters back to right after initialization, keeping the old logs", async () => {
    const t = db();
    const { project, dir, home, afterInit } = await workedOnProject(t);

    const report = await applyReset({ stores: t.stores, home, clock: t.time.clock }, project.id);

    expect(report.steps.map((s) => s.name)).toEqual(["logs", "progress-note", "git", "database"]);
    expectRowsAsAfterInit(await rowsOf(t, project.id), afterInit.rows);
    expect(gitStateOf(dir)).toEqual(afterInit.git);
    // Ignored files stay; untracked ones are gone.
    expect(existsSync(join(dir, ".env"))).toBe(true);
    expect(existsSync(join(dir, "node_modules", "dep", "index.js"))).toBe(true);
    expect(existsSync(join(dir, "scratch.txt"))).toBe(false);
    expect(existsSync(join(dir, "tmp"))).toBe(false);
    expect(readFileSync(join(dir, PROGRESS_NOTE), "utf8")).toBe("# Progress\n");

    const archive = report.plan.archiveDir;
    const logDir = logDirOf(home, project);
    expect(archive).toBe(join(logDir, "old_attempts/20260101T000000Z"));
    expect(filesOf(logDir)).toEqual([
      "old_attempts/20260101T000000Z/browser/session_001_20260101T000001Z/page.png",
      "old_attempts/20260101T000000Z/browser/session_002_20260101T000002Z/page.png",
      `old_attempts/20260101T000000Z/${PROGRESS_NOTE}`,
      "old_attempts/20260101T000000Z/session_001_20260101T000001Z.jsonl",
      "old_attempts/20260101T000000Z/session_001_20260101T000001Z.txt",
      "old_attempts/20260101T000000Z/session_002_20260101T000002Z.jsonl",
      "old_attempts/20260101T000000Z/session_002_20260101T000002Z.txt",
      "session_000_20260101T000000Z.jsonl",
      "session_000_20260101T000000Z.txt",
    ]);
    expect(readFileSync(join(archive, PROGRESS_NOTE), "utf8")).toContain("## Session 2\nTask 2 done.");

    expect(report.steps.find((s) => s.name === "database")?.done).toBe(
      "2 tasks back to pending, 3 tests to unknown, 1 epic to pending; sessions 1, 2, review 0 deleted with 2 events and 1 quality check; 11 project events deleted; next session: number 1; total cost $1.3750 → $0.2500; status complete → ready",
    );
    expect(report.steps.find((s) => s.name === "logs")?.done).toBe(
      `moved 4 log files and 2 browser folders to ${archive}/`,
    );
    // The next session is number 1 again.
    const next = await t.stores.sessions.create(project.id, { type: "coding", model: "sonnet" });
    expect(next.number).toBe(1);
  });

  it("changes nothing on a dry run and describes exactly the steps the reset then applies", async () => {
    const t = db();
    const { project, dir, home } = await workedOnProject(t);
    const before = await everything(t, project, dir, home);

    const plan = await planReset({ stores: t.stores, home, clock: t.time.clock }, project.id);

    expect(await everything(t, project, dir, home)).toEqual(before);
    const logDir = logDirOf(home, project);
    const archive = join(logDir, "old_attempts/20260101T000000Z");
    const byName = Object.fromEntries(plan.steps.map((s) => [s.name, s.description]));
    expect(byName.logs).toBe(
      `move 4 log files and 2 browser folders of sessions 1, 2, review 0 to ${archive}/: ${[
        "session_001_20260101T000001Z.jsonl",
        "session_001_20260101T000001Z.txt",
        "browser/session_001_20260101T000001Z",
        "session_002_20260101T000002Z.jsonl",
        "session_002_20260101T000002Z.txt",
        "browser/session_002_20260101T000002Z",
      ]
        .map((f) => join(logDir, f))
        .join(", ")}`,
    );
    expect(byName["progress-note"]).toBe(
      `copy ${PROGRESS_NOTE} to ${archive}/${PROGRESS_NOTE} (the git step then brings back the init commit's version)`,
    );
    expect(byName.git).toMatch(
      /^git reset --hard [0-9a-f]{7} \(drops 2 commits: [0-9a-f]{7} Task 2, [0-9a-f]{7} Task 1; resets 4 tracked files that differ from it: README\.md, claude-progress\.md, src\/task-1\.js, src\/task-2\.js\), then git clean -fd \(removes 2 untracked paths: scratch\.txt, tmp\/; ignored files such as node_modules\/ stay\)$/,
    );
    expect(byName.database).toBe(
      "2 tasks back to pending, 3 tests to unknown, 1 epic to pending; sessions 1, 2, review 0 deleted with 2 events and 1 quality check; 11 project events deleted; next session: number 1; total cost $1.3750 → $0.2500; status complete → ready",
    );

    const report = await applyReset({ stores: t.stores, home, clock: t.time.clock }, project.id);
    expect(report.plan.steps).toEqual(plan.steps);
  });

  it("with sandbox.type docker, removes the project's container first, then resets as before", async () => {
    const t = db();
    const { project, dir, home, afterInit } = await workedOnProject(t);
    const docker = recordingDocker((args) => ({
      code: 0,
      stdout: args[0] === "inspect" ? `${project.id}\n` : "",
      stderr: "",
    }));
    const deps = {
      stores: t.stores,
      home,
      clock: t.time.clock,
      sandbox: { type: "docker" as const },
      docker,
    };
    const name = `baton-${project.id}-app`;

    const plan = await planReset(deps, project.id);
    expect(docker.calls).toEqual([]);
    expect(plan.container).toBe(name);
    expect(plan.steps[0]).toEqual({
      name: "container",
      description: `remove the docker container ${name} if there is one (docker rm -f), with everything sessions left in it outside the project directory; the next session starts a new one`,
    });

    const report = await applyReset(deps, project.id);
    expect(report.steps.map((s) => s.name)).toEqual([
      "container",
      "logs",
      "progress-note",
      "git",
      "database",
    ]);
    expect(report.steps[0]?.done).toBe(`removed the container ${name}`);
    expect(docker.calls).toEqual([
      ["inspect", "-f", '{{index .Config.Labels "baton.project"}}', name],
      ["rm", "-f", name],
    ]);
    expectRowsAsAfterInit(await rowsOf(t, project.id), afterInit.rows);
    expect(gitStateOf(dir)).toEqual(afterInit.git);
  });

  it("with sandbox.type docker, stops before changing anything when docker fails, and finishes when run again", async () => {
    const t = db();
    const { project, dir, home, afterInit } = await workedOnProject(t);
    const before = await everything(t, project, dir, home);
    const name = `baton-${project.id}-app`;
    const down = recordingDocker(() => ({
      code: 1,
      stdout: "",
      stderr:
        "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n",
    }));
    const sandbox = { type: "docker" as const };

    const error = await applyReset(
      { stores: t.stores, home, clock: t.time.clock, sandbox, docker: down },
      project.id,
    ).catch((e: unknown) => e);
    expect(isBatonError(error, "BATON_RESET_IMPOSSIBLE")).toBe(true);
    expect((error as Error).message).toBe(
      `the reset of app stopped at the container step: docker inspect ${name} failed: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running? (nothing was changed); once the cause is fixed, run the reset again to finish it`,
    );
    expect(down.calls).toHaveLength(1);
    expect(await everything(t, project, dir, home)).toEqual(before);

    const gone = recordingDocker(() => ({
      code: 1,
      stdout: "",
      stderr: `Error: No such object: ${name}\n`,
    }));
    const again = await applyReset(
      { stores: t.stores, home, clock: t.time.clock, sandbox, docker: gone },
      project.id,
    );
    expect(again.steps[0]).toMatchObject({ name: "container", done: `no container ${name} to remove` });
    expect(gone.calls.map((c) => c[0])).toEqual(["inspect"]);
    expectRowsAsAfterInit(await rowsOf(t, project.id), afterInit.rows);
  });

  it("has no container step unless sessions run in docker", async () => {
    const t = db();
    const { project, home } = await initializedProject(t);
    const docker = recordingDocker(() => ({ code: 0, stdout: "", stderr: "" }));
    const report = await applyReset({ stores: t.stores, home, sandbox: { type: "os" }, docker }, project.id);
    expect(report.plan.container).toBeNull();
    expect(report.steps.map((s) => s.name)).toEqual(["logs", "progress-note", "git", "database"]);
    expect(docker.calls).toEqual([]);
  });

  it("refuses while a session of the project is running, and changes nothing", async () => {
    const t = db();
    const { project, dir, home } = await initializedProject(t);
    await codingSession(t, project, home);
    const running = await t.stores.sessions.create(project.id, { type: "coding", model: "sonnet" });
    await t.stores.sessions.start(running.id, { workerId: "elsewhere" });
    const before = await everything(t, project, dir, home);

    for (const attempt of [planReset, applyReset]) {
      const error = await attempt({ stores: t.stores, home }, project.id).catch((e: unknown) => e);
      expect(isBatonError(error, "BATON_PROJECT_BUSY")).toBe(true);
      expect((error as Error).message).toBe(
        "session 2 of this project is running (worker elsewhere); stop it (or wait for it to end) before resetting",
      );
    }
    expect(await everything(t, project, dir, home)).toEqual(before);
  });

  it("refuses a project without an init commit or without a plan, and says what to do", async () => {
    const t = db();
    const { project, world: w } = await newProject(t.stores, { name: "fresh" });
    const noCommit = await applyReset({ stores: t.stores, home: w.home }, project.id).catch(
      (e: unknown) => e,
    );
    expect(isBatonError(noCommit, "BATON_RESET_IMPOSSIBLE")).toBe(true);
    expect((noCommit as Error).message).toBe(
      "cannot reset fresh: it has no recorded init commit, so there is no state after initialization to go back to; run its initializer (session 0) to the end first, or create a new project",
    );

    writeFileSync(join(project.directory, "a.txt"), "a\n");
    git(project.directory, "add", "-A");
    git(project.directory, "commit", "-qm", "by hand");
    await t.stores.projects.update(project.id, {
      init_commit_sha: git(project.directory, "rev-parse", "HEAD"),
    });
    const noPlan = await applyReset({ stores: t.stores, home: w.home }, project.id).catch((e: unknown) => e);
    expect(isBatonError(noPlan, "BATON_RESET_IMPOSSIBLE")).toBe(true);
    expect((noPlan as Error).message).toContain("cannot reset fresh: it has no plan");
  });

  it("refuses when the init commit is not in the repository", async () => {
    const t = db();
    const { project, dir, home } = await initializedProject(t);
    await t.stores.projects.update(project.id, {
      init_commit_sha: "0123456789abcdef0123456789abcdef01234567",
    });
    const before = await everything(t, project, dir, home);
    const error = await applyReset({ stores: t.stores, home }, project.id).catch((e: unknown) => e);
    expect(isBatonError(error, "BATON_RESET_IMPOSSIBLE")).toBe(true);
    expect((error as Error).message).toContain("its init commit 0123456 is not in the repository at");
    expect(await everything(t, project, dir, home)).toEqual(before);
  });

  it("stops at a step that fails, says what was done, and finishes when run again", async () => {
    const t = db();
    const { project, dir, home } = await initializedProject(t);
    const afterInit = { rows: await rowsOf(t, project.id), git: gitStateOf(dir) };
    await codingSession(t, project, home);
    // Another git command holds the index: the git step cannot run.
    writeFileSync(join(dir, ".git", "index.lock"), "");

    const error = await applyReset({ stores: t.stores, home, clock: t.time.clock }, project.id).catch(
      (e: unknown) => e,
    );
    expect(isBatonError(error, "BATON_RESET_IMPOSSIBLE")).toBe(true);
    expect((error as Error).message).toMatch(
      /^the reset of app stopped at the git step: .*index\.lock.* \(done before it: logs, progress-note\); once the cause is fixed, run the reset again to finish it$/s,
    );
    expect(
      existsSync(
        join(logDirOf(home, project), "old_attempts/20260101T000000Z/session_001_20260101T000001Z.txt"),
      ),
    ).toBe(true);
    expect((await t.stores.sessions.list(project.id)).length).toBe(2);

    rmSync(join(dir, ".git", "index.lock"));
    const again = await applyReset({ stores: t.stores, home, clock: t.time.clock }, project.id);
    expect(again.steps.find((s) => s.name === "logs")?.done).toBe("nothing to move");
    expectRowsAsAfterInit(await rowsOf(t, project.id), afterInit.rows);
    expect(gitStateOf(dir)).toEqual(afterInit.git);
  });

  it("prints the steps on --dry-run and changes nothing; refuses to reset unasked without a terminal; resets with --yes", async () => {
    const t = db();
    const { project, dir, home } = await workedOnProject(t);
    const w = makeWorld();
    const io = { cwd: w.cwd, env: { BATON_HOME: home, DATABASE_URL: databaseUrlOf(t) } };
    const before = await everything(t, project, dir, home);

    const dry = await baton(["reset", "--project-dir", dir, "--dry-run"], io);
    expect(dry.err).toBe("");
    expect(dry.code).toBe(0);
    const lines = dry.out.trimEnd().split("\n");
    expect(lines[0]).toBe(`reset app (${dir}) to its init commit ${project.init_commit_sha?.slice(0, 7)}:`);
    expect(lines.slice(1, 5).map((l) => l.split(":")[0])).toEqual([
      "  logs",
      "  progress-note",
      "  git",
      "  database",
    ]);
    expect(lines[4]).toContain("sessions 1, 2, review 0 deleted");
    expect(lines[5]).toBe("(dry run: nothing changed)");
    expect(await everything(t, project, dir, home)).toEqual(before);

    const unasked = await baton(["reset", "--project-dir", dir], io);
    expect(unasked).toEqual({
      code: 2,
      out: "",
      err: "baton: baton reset asks for confirmation, but its input is not a terminal; pass --yes to reset, or --dry-run to see what it would change\n",
    });
    expect(await everything(t, project, dir, home)).toEqual(before);

    // By project name, as well as by directory.
    const done = await baton(["reset", "--project-dir", "app", "--yes"], io);
    expect(done.err).toBe("");
    expect(done.code).toBe(0);
    const out = done.out.trimEnd().split("\n");
    expect(out.map((l) => l.split(":")[0])).toEqual([
      "✓ logs",
      "✓ progress-note",
      "✓ git",
      "✓ database",
      "app is back to right after initialization; the next session is number 1",
    ]);
    expect(await t.stores.sessions.list(project.id)).toHaveLength(1);
  });

  it("asks on a terminal and resets only when the answer is y", async () => {
    const t = db();
    const { project, dir, home } = await workedOnProject(t);
    const before = await everything(t, project, dir, home);
    const run = async (answer: string) => {
      let out = "";
      const code = await main(["node", "baton", "reset", dir], {
        out: (text) => {
          out += text;
        },
        err: (text) => {
          out += text;
        },
        cwd: dir,
        env: { BATON_HOME: home, DATABASE_URL: databaseUrlOf(t) },
        input: ttyInput(answer),
      });
      return { code, out };
    };

    const no = await run("n\n");
    expect(no.code).toBe(0);
    expect(no.out).toContain("Reset app? Type y to go on: not reset: nothing changed\n");
    expect(await everything(t, project, dir, home)).toEqual(before);

    const yes = await run("y\n");
    expect(yes.code).toBe(0);
    expect(yes.out).toMatch(/^reset app \(.*\n {2}logs: move /);
    expect(yes.out).toContain("Reset app? Type y to go on: ✓ logs: moved 4 log files");
    expect(await t.stores.sessions.list(project.id)).toHaveLength(1);
  });
});
