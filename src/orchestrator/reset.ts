import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { PROGRESS_NOTE } from "../agent/progress-note.ts";
import type { Config } from "../config/schema.ts";
import { type Clock, systemClock } from "../db/clock.ts";
import type { Stores } from "../db/stores/index.ts";
import type { ResetChanges, ResetSession } from "../db/stores/project-reset.ts";
import { type BatonError, fail, isBatonError, projectBusy } from "../errors.ts";
import {
  browserLogDir,
  fileTimeStamp,
  LEGACY_LOGS_DIR,
  logLocation,
  projectLogDir,
} from "../logs/session-log.ts";
import type { Project } from "../projects/model.ts";
import {
  containerName,
  type DockerRunner,
  dockerCli,
  removeProjectContainer,
} from "../security/docker-sandbox.ts";
import { assertNever } from "../util/assert-never.ts";
import {
  cleanUntracked,
  commitExists,
  commitsSince,
  pathsChangedSince,
  repositoryRoot,
  resetHard,
  untrackedPaths,
} from "../util/git.ts";
import { readContainedFile } from "../util/host-files.ts";

/**
 * `baton reset`: a project back to the state right after its initializer: the init commit's
 * tree, the plan with no progress, session 0 and its logs, and nothing of what came after (whose
 * logs and progress note are kept in Baton's data directory, under the project's
 * `old_attempts/<time>/`).
 *
 * Order: check everything first (nothing runs, the init commit is in the repository), then
 * files, then git, then the database. The database goes last because it is the record of what
 * the reset must do: until its transaction commits, the sessions to remove and their log paths
 * are still there, so when any step fails, running the reset again finishes the job (every step
 * can be repeated: moved logs are no longer there to move, a tree at the init commit resets to
 * itself). Had the database gone first, a failure in the files or git would leave logs nobody
 * lists any more, beside the next attempt's. The clean keeps `/logs/`, where an older Baton kept
 * the logs in the project.
 *
 * With `sandbox.type: docker`, the project's container goes first: it holds what sessions left
 * outside the project directory (their home, global installs, processes), and nothing in it may
 * still write to the files the reset is about to restore. Removing a container that is not there
 * is a no-op, so this step can be repeated too.
 */

export interface ResetDeps {
  stores: Stores;
  /** Baton's data directory: where the project's logs are, and where the reset sets them aside. */
  home: string;
  clock?: Clock;
  /** The config's sandbox section; with `type: docker` the reset also removes the project's container. */
  sandbox?: Pick<Config["sandbox"], "type">;
  /** Runs docker for that step (default: the `docker` CLI). */
  docker?: DockerRunner;
}

export type ResetStepName = "container" | "logs" | "progress-note" | "git" | "database";

export interface ResetStep {
  name: ResetStepName;
  /** What applying the step will change, with counts and paths. The dry run prints exactly this. */
  description: string;
}

export interface ResetStepResult extends ResetStep {
  /** What applying it did. */
  done: string;
}

/** A file or folder to move (absolute paths, in Baton's data directory). */
export interface FileMove {
  from: string;
  to: string;
}

export interface ResetPlan {
  project: Project;
  initCommit: string;
  /** Where the deleted sessions' logs and the progress note go (in Baton's data directory). */
  archiveDir: string;
  /** In the order they are applied. */
  steps: ResetStep[];
  logMoves: FileMove[];
  /** Log paths of deleted sessions left where they are: in the project (an older Baton's), or unknown. */
  skippedLogPaths: string[];
  /** The progress note's copy: from the project (relative) to the archive (absolute). */
  progressNote: FileMove | null;
  /** The project's docker container to remove (`sandbox.type: docker`), or null: no container step. */
  container: string | null;
  git: { dropped: string[]; changed: string[]; untracked: string[] };
  database: ResetChanges;
}

export interface ResetReport {
  plan: ResetPlan;
  steps: ResetStepResult[];
}

export const OLD_ATTEMPTS_DIR = "old_attempts";
/** `git clean` never removes these (an older Baton's logs), even where .gitignore does not list them. */
const KEPT_BY_CLEAN = [`/${LEGACY_LOGS_DIR}/`];
/** The largest progress note the reset copies aside. */
const PROGRESS_NOTE_MAX_BYTES = 10_000_000;
/** How many paths a description names before it says how many more there are. */
const PATHS_SHOWN = 8;

/** Works out every step of a reset and what each will change; changes nothing. */
export async function planReset(
  deps: ResetDeps,
  projectId: number,
  options: { reviewsStopped?: boolean } = {},
): Promise<ResetPlan> {
  const { stores } = deps;
  const project = await stores.projects.get(projectId);
  const running = await stores.sessions.running(projectId);
  if (running) throw projectBusy(projectId, running, "resetting");
  const initCommit = await checkInitCommit(deps, project);

  const database = await stores.projects.resetPreview(projectId);
  // A running deep review blocks, unless the caller stops it first (`reviewsStopped`).
  const review = database.sessions.find(
    (s) => s.status === "running" && !(options.reviewsStopped && s.type === "review"),
  );
  if (review) throw projectBusy(projectId, review, "resetting");

  const dir = project.directory;
  const archiveDir = freeArchiveDir(
    join(projectLogDir(deps.home, project.id), OLD_ATTEMPTS_DIR),
    fileTimeStamp((deps.clock ?? systemClock)()),
  );
  const { moves: logMoves, skipped: skippedLogPaths } = logMovesOf(
    deps.home,
    project,
    database.sessions,
    archiveDir,
  );
  const progressNote = existsSync(join(dir, PROGRESS_NOTE))
    ? { from: PROGRESS_NOTE, to: join(archiveDir, PROGRESS_NOTE) }
    : null;
  const git = {
    dropped: await commitsSince(dir, initCommit),
    changed: await pathsChangedSince(dir, initCommit),
    untracked: await untrackedPaths(dir, KEPT_BY_CLEAN),
  };
  const container = deps.sandbox?.type === "docker" ? containerName(project.id, project.name) : null;
  const plan = {
    project,
    initCommit,
    archiveDir,
    logMoves,
    skippedLogPaths,
    progressNote,
    container,
    git,
    database,
  };
  const names = STEP_ORDER.filter((name) => name !== "container" || container !== null);
  return { ...plan, steps: names.map((name) => ({ name, description: describe(name, plan) })) };
}

/**
 * Plans the reset, then applies its steps in order; `onStep` hears of each one as it is done.
 * A step that fails stops the reset with an error that says what was done; running the reset
 * again finishes it.
 */
export async function applyReset(
  deps: ResetDeps,
  projectId: number,
  options: { onStep?: (result: ResetStepResult) => void } = {},
): Promise<ResetReport> {
  const plan = await planReset(deps, projectId);
  const results: ResetStepResult[] = [];
  for (const step of plan.steps) {
    let done: string;
    try {
      done = await applyStep(deps, plan, step.name);
    } catch (error) {
      throw stoppedAt(plan, step.name, results, error);
    }
    const result = { ...step, done };
    results.push(result);
    options.onStep?.(result);
  }
  return { plan, steps: results };
}

type PlanFacts = Omit<ResetPlan, "steps">;

const STEP_ORDER: readonly ResetStepName[] = ["container", "logs", "progress-note", "git", "database"];

async function applyStep(deps: ResetDeps, plan: ResetPlan, name: ResetStepName): Promise<string> {
  const dir = plan.project.directory;
  switch (name) {
    case "container": {
      const container = plan.container;
      if (container === null) return "no container: sessions do not run in docker";
      const removed = await removeProjectContainer(plan.project.id, container, deps.docker ?? dockerCli());
      return removed ? `removed the container ${container}` : `no container ${container} to remove`;
    }
    case "logs": {
      const moved = plan.logMoves.filter((m) => moveIfThere(m));
      return moved.length === 0 ? "nothing to move" : `moved ${countLogs(moved)} to ${plan.archiveDir}/`;
    }
    case "progress-note": {
      const note = plan.progressNote;
      // Read as a session may have left it: no link followed, a regular file of a sane size.
      const text = note === null ? null : readContainedFile(dir, note.from, PROGRESS_NOTE_MAX_BYTES);
      if (note === null || text === null) return "nothing to back up";
      mkdirSync(dirname(note.to), { recursive: true, mode: 0o700 });
      writeFileSync(note.to, text, { mode: 0o600, flag: "wx" });
      return `copied ${note.from} to ${note.to}`;
    }
    case "git": {
      await resetHard(dir, plan.initCommit);
      const removed = await cleanUntracked(dir, KEPT_BY_CLEAN);
      return `HEAD is the init commit ${short(plan.initCommit)}; ${count(plan.git.dropped.length, "commit")} dropped, ${count(removed.length, "untracked path")} removed${listed(removed)}`;
    }
    case "database":
      return describeDatabase(await deps.stores.projects.resetToInitialization(plan.project.id));
    default:
      return assertNever(name, "reset step");
  }
}

function describe(name: ResetStepName, plan: PlanFacts): string {
  switch (name) {
    case "container":
      return plan.container === null
        ? "no container: sessions do not run in docker"
        : `remove the docker container ${plan.container} if there is one (docker rm -f), with everything sessions left in it outside the project directory; the next session starts a new one`;
    case "logs": {
      const skipped =
        plan.skippedLogPaths.length === 0
          ? ""
          : `; left where they are (an older Baton's logs in the project): ${plan.skippedLogPaths.join(", ")}`;
      if (plan.logMoves.length === 0) return `no logs of deleted sessions to move${skipped}`;
      return `move ${countLogs(plan.logMoves)} of ${sessionList(plan.database.sessions)} to ${plan.archiveDir}/${listed(plan.logMoves.map((m) => m.from))}${skipped}`;
    }
    case "progress-note":
      return plan.progressNote === null
        ? `no ${PROGRESS_NOTE}: nothing to back up`
        : `copy ${plan.progressNote.from} to ${plan.progressNote.to} (the git step then brings back the init commit's version)`;
    case "git": {
      const { dropped, changed, untracked } = plan.git;
      return (
        `git reset --hard ${short(plan.initCommit)} (drops ${count(dropped.length, "commit")}${listed(dropped)}; ` +
        `resets ${count(changed.length, "tracked file")} that differ from it${listed(changed)}), ` +
        `then git clean -fd (removes ${count(untracked.length, "untracked path")}${listed(untracked)}; ` +
        `ignored files such as node_modules/ stay)`
      );
    }
    case "database":
      return describeDatabase(plan.database);
    default:
      return assertNever(name, "reset step");
  }
}

/** One phrasing for the plan and the result: the same facts before and after. */
function describeDatabase(c: ResetChanges): string {
  const deleted =
    c.sessions.length === 0
      ? "no sessions to delete"
      : `${sessionList(c.sessions)} deleted with ${count(c.session_events, "event")} and ${count(c.quality_checks, "quality check")}`;
  return [
    `${count(c.tasks, "task")} back to pending, ${count(c.tests, "test")} to unknown, ${count(c.epics, "epic")} to pending`,
    deleted,
    `${count(c.project_events, "project event")} deleted`,
    `next session: number ${c.next_session_number}`,
    `total cost $${c.total_cost_usd.before.toFixed(4)} → $${c.total_cost_usd.after.toFixed(4)}`,
    `status ${c.status.before} → ${c.status.after}`,
  ].join("; ");
}

async function checkInitCommit(deps: ResetDeps, project: Project): Promise<string> {
  const sha = project.init_commit_sha;
  const impossible = (why: string) =>
    fail("BATON_RESET_IMPOSSIBLE", {
      project: project.name,
      init_commit_sha: sha,
      reason: `cannot reset ${project.name}: ${why}`,
    });
  if (sha === null) {
    throw impossible(
      "it has no recorded init commit, so there is no state after initialization to go back to; run its initializer (session 0) to the end first, or create a new project",
    );
  }
  if (!(await deps.stores.plan.hasPlan(project.id))) {
    throw impossible(
      "it has no plan, so there is no state after initialization to go back to; run its initializer (session 0) to the end first, or create a new project",
    );
  }
  const dir = project.directory;
  if (!existsSync(dir)) throw impossible(`its directory ${dir} is missing`);
  if (repositoryRoot(dir) === null) {
    throw impossible(`${dir} is not a git repository (it has no .git folder of its own)`);
  }
  if (!(await commitExists(dir, sha))) {
    throw impossible(
      `its init commit ${short(sha)} is not in the repository at ${dir}; was the history rewritten? Restore that commit, or create a new project`,
    );
  }
  return sha;
}

/** `<old attempts>/<time>`, or `<time>-2`, … when a reset in the same second took it. */
function freeArchiveDir(oldAttempts: string, stamp: string): string {
  for (let n = 1; ; n++) {
    const candidate = join(oldAttempts, n === 1 ? stamp : `${stamp}-${n}`);
    if (!existsSync(candidate)) return candidate;
  }
}

function logMovesOf(
  home: string,
  project: Project,
  sessions: ResetSession[],
  archiveDir: string,
): { moves: FileMove[]; skipped: string[] } {
  const moves: FileMove[] = [];
  const skipped: string[] = [];
  for (const { log_path } of sessions) {
    if (log_path === null) continue;
    // Only logs in Baton's own directory are moved; the project's folder is the session's.
    const location = logLocation(home, project, log_path);
    if (location === null || location.legacy) {
      skipped.push(log_path);
      continue;
    }
    const { dir, stem } = location;
    const candidates: FileMove[] = [
      { from: join(dir, `${stem}.jsonl`), to: join(archiveDir, `${stem}.jsonl`) },
      { from: join(dir, `${stem}.txt`), to: join(archiveDir, `${stem}.txt`) },
      { from: join(dir, browserLogDir(stem)), to: join(archiveDir, browserLogDir(stem)) },
    ];
    moves.push(...candidates.filter((m) => existsSync(m.from)));
  }
  return { moves, skipped };
}

function moveIfThere(move: FileMove): boolean {
  if (!existsSync(move.from)) return false;
  mkdirSync(dirname(move.to), { recursive: true, mode: 0o700 });
  renameSync(move.from, move.to);
  return true;
}

function stoppedAt(
  plan: ResetPlan,
  step: ResetStepName,
  done: ResetStepResult[],
  error: unknown,
): BatonError {
  const why = error instanceof Error ? error.message : String(error);
  const before =
    done.length === 0 ? "nothing was changed" : `done before it: ${done.map((d) => d.name).join(", ")}`;
  return fail(
    "BATON_RESET_IMPOSSIBLE",
    {
      project: plan.project.name,
      step,
      done: done.map((d) => d.name),
      cause_code: isBatonError(error) ? error.code : null,
      reason: `the reset of ${plan.project.name} stopped at the ${step} step: ${why} (${before}); once the cause is fixed, run the reset again to finish it`,
    },
    { cause: error },
  );
}

function countLogs(moves: FileMove[]): string {
  const folders = moves.filter((m) => !/\.(jsonl|txt)$/.test(m.from)).length;
  const files = count(moves.length - folders, "log file");
  return folders === 0 ? files : `${files} and ${count(folders, "browser folder")}`;
}

function sessionList(sessions: ResetSession[]): string {
  const names = sessions.map((s) => (s.type === "review" ? `review ${s.number}` : String(s.number)));
  return `${sessions.length === 1 ? "session" : "sessions"} ${names.join(", ")}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** `: a, b, c (+4 more)`, or nothing for an empty list. */
function listed(items: readonly string[]): string {
  if (items.length === 0) return "";
  const shown = items.slice(0, PATHS_SHOWN).join(", ");
  return `: ${shown}${items.length > PATHS_SHOWN ? ` (+${items.length - PATHS_SHOWN} more)` : ""}`;
}

function short(sha: string): string {
  return sha.slice(0, 7);
}
