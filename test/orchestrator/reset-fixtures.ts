import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { expect } from "vitest";
import { PROGRESS_NOTE } from "../../src/agent/progress-note.ts";
import { projectLogDir } from "../../src/logs/session-log.ts";
import type { Project } from "../../src/projects/model.ts";
import type { Session } from "../../src/sessions/model.ts";
import type { TestDatabase } from "../helpers/databases.ts";
import { newProject } from "../helpers/projects.ts";
import { makeWorld } from "../helpers/world.ts";
import { taskInput } from "../stores/fixtures.ts";

export function git(dir: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: dir }).toString().trim();
}

type Rows = Awaited<ReturnType<typeof rowsOf>>;

/**
 * The rows after a reset are those right after initialization, but for the record of changes to
 * the project's row (project_changed): the reset deletes those after initialization and records
 * its own, which is the newest event.
 */
export function expectRowsAsAfterInit(after: Rows, afterInit: Rows): void {
  const rowChanges = (rows: Rows) => rows.events.filter((e) => e.type !== "project_changed");
  expect({ ...after, events: rowChanges(after) }).toEqual({ ...afterInit, events: rowChanges(afterInit) });
  const changes = after.events.filter((e) => e.type === "project_changed");
  expect(changes.at(-1)).toMatchObject({ payload: JSON.stringify({ change: "reset", status: "ready" }) });
  expect(changes.at(-1)?.id).toBe(Math.max(...after.events.map((e) => e.id)));
}

/** Every row of the project that a reset may touch, `updated_at` left out. */
export async function rowsOf(t: TestDatabase, projectId: number) {
  const { db } = t.database;
  const plain = <T extends { updated_at?: string }>(rows: T[]) =>
    rows.map(({ updated_at: _u, ...rest }) => rest);
  return {
    project: plain(await db.selectFrom("projects").selectAll().where("id", "=", projectId).execute()),
    epics: plain(
      await db.selectFrom("epics").selectAll().where("project_id", "=", projectId).orderBy("id").execute(),
    ),
    tasks: plain(
      await db.selectFrom("tasks").selectAll().where("project_id", "=", projectId).orderBy("id").execute(),
    ),
    tests: plain(
      await db.selectFrom("tests").selectAll().where("project_id", "=", projectId).orderBy("id").execute(),
    ),
    sessions: await db
      .selectFrom("sessions")
      .selectAll()
      .where("project_id", "=", projectId)
      .orderBy("id")
      .execute(),
    events: await db
      .selectFrom("session_events")
      .selectAll()
      .where("project_id", "=", projectId)
      .orderBy("id")
      .execute(),
    quality_checks: await db
      .selectFrom("quality_checks")
      .selectAll()
      .where("project_id", "=", projectId)
      .orderBy("id")
      .execute(),
  };
}

/** HEAD, `git status`, the tracked files and the untracked ones that are not ignored. */
export function gitStateOf(dir: string) {
  return {
    head: git(dir, "rev-parse", "HEAD"),
    status: git(dir, "status", "--porcelain"),
    tracked: git(dir, "ls-files"),
    untracked: git(dir, "ls-files", "--others", "--exclude-standard"),
  };
}

/** Every file below `dir` (but .git), relative to it. */
export function filesOf(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .filter((f) => !f.startsWith(".git/"))
    .sort();
}

/** Where the fixtures' projects keep their logs: `<home>/logs/<project id>`, as sessions do. */
export function logDirOf(home: string, project: Project): string {
  return projectLogDir(home, project.id);
}

function writeLogs(logDir: string, stem: string, browser: boolean): void {
  mkdirSync(logDir, { recursive: true });
  writeFileSync(join(logDir, `${stem}.jsonl`), '{"seq":1}\n');
  writeFileSync(join(logDir, `${stem}.txt`), `log of ${stem}\n`);
  if (browser) {
    mkdirSync(join(logDir, "browser", stem), { recursive: true });
    writeFileSync(join(logDir, "browser", stem, "page.png"), "png");
  }
}

async function startSession(
  t: TestDatabase,
  project: Project,
  home: string,
  type: "initializer" | "coding",
  options: { cost: number; browser?: boolean },
): Promise<Session> {
  const created = await t.stores.sessions.create(project.id, { type, model: "sonnet" });
  const session = await t.stores.sessions.start(created.id, { workerId: "test" });
  const stem = `session_${String(session.number).padStart(3, "0")}_20260101T00000${session.number}Z`;
  writeLogs(logDirOf(home, project), stem, options.browser ?? false);
  await t.stores.sessions.setLogPath(session.id, stem);
  await t.stores.sessions.appendEvent(session.id, { type: "session_start", payload: { n: session.number } });
  await t.stores.sessions.addUsage(session.id, { cost_usd: options.cost, tool_calls: 3 });
  return session;
}

/**
 * A project right after initialization, built by hand (no model): session 0 planned two tasks
 * (one and two tests), wrote a skeleton and the progress note, committed, and was recorded.
 */
export async function initializedProject(
  t: TestDatabase,
  home = makeWorld().home,
): Promise<{ project: Project; dir: string; home: string }> {
  const { project: created } = await newProject(t.stores, { name: "app", spec: "# App\n" });
  const dir = created.directory;
  const s0 = await startSession(t, created, home, "initializer", { cost: 0.25 });
  const epic = await t.stores.plan.createEpic(created.id, { name: "Core" });
  await t.stores.plan.expandEpic(created.id, epic.id, [taskInput("Say hello"), taskInput("Say bye", 2)]);
  writeFileSync(join(dir, "README.md"), "# App\n");
  writeFileSync(join(dir, PROGRESS_NOTE), "# Progress\n");
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "Plan and skeleton");
  await t.stores.sessions.finish(s0.id, { status: "completed" });
  const project = await t.stores.projects.update(created.id, {
    status: "ready",
    init_commit_sha: git(dir, "rev-parse", "HEAD"),
  });
  return { project, dir, home };
}

/** A coding session that does the next task (tests passing, task done), notes it, commits. */
export async function codingSession(t: TestDatabase, project: Project, home: string): Promise<Session> {
  const session = await startSession(t, project, home, "coding", { cost: 0.5, browser: true });
  const task = await t.stores.plan.nextTask(project.id);
  if (!task) throw new Error("no task left");
  await t.stores.plan.startTask(project.id, task.id, session.id);
  for (const test of task.tests) {
    await t.stores.plan.recordTestResult(project.id, test.id, {
      passes: true,
      evidence: "ran it",
      sessionId: session.id,
    });
  }
  await t.stores.plan.setTaskStatus(project.id, task.id, "done", { notes: "done" });
  const dir = project.directory;
  mkdirSync(join(dir, "src"), { recursive: true });
  writeFileSync(join(dir, "src", `task-${task.id}.js`), `console.log(${task.id});\n`);
  appendFileSync(join(dir, PROGRESS_NOTE), `\n## Session ${session.number}\nTask ${task.id} done.\n`);
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", `Task ${task.id}`);
  return t.stores.sessions.finish(session.id, { status: "completed" });
}
