/**
 * The error catalog's entries: for each code its HTTP status, its CLI exit code, the args kept as
 * `data`, and its message template. Errors are made from them by `fail` (src/errors.ts); the codes
 * are listed for users in docs/errors.md (test/errors.test.ts holds the two together).
 */

export interface Entry<A> {
  status: number;
  exit: number;
  /** The args kept as the error's `data` (the rest only make the message). */
  data: readonly (keyof A & string)[];
  message: (args: A) => string;
}

/** A catalog entry: `A` is what `fail` takes for this code. */
function entry<A>(
  status: number,
  exit: number,
  data: readonly (keyof A & string)[],
  message: (args: A) => string,
) {
  return { status, exit, data, message } satisfies Entry<A>;
}

/** A missing part of a plan: the project's name when the message can give it, and where to look. */
type PlanItem = { project_id: number; project?: string; hint: string };
const inProject = (a: PlanItem, what: string) =>
  a.project === undefined ? `no ${what} in this project` : `project ${a.project} has no ${what}`;

type Reason = { reason: string };
type Id = number | string;

export const ERROR_CATALOG = {
  // Configuration and usage (exit 2: the command was wrong, nothing ran).
  BATON_CONFIG_INVALID: entry<
    Reason & { source?: string; key?: string; value?: unknown; problems?: unknown[] }
  >(400, 2, ["source", "key", "value", "problems"], (a) => a.reason),
  BATON_CONFIG_FILE_UNREADABLE: entry<Reason & { path: string; where: string; code: string | null }>(
    400,
    2,
    ["path", "code"],
    (a) => `cannot read config file ${a.where}: ${a.reason}`,
  ),
  BATON_USAGE: entry<Reason>(400, 2, [], (a) => a.reason),
  BATON_CONFIRMATION_REQUIRED: entry<Reason & { confirm: string }>(400, 2, ["confirm"], (a) => a.reason),
  BATON_SERVER_INSECURE: entry<{ host: string }>(
    400,
    2,
    ["host"],
    (a) =>
      `no password is set, so listening on ${a.host} would let anyone who reaches it run commands on this machine: set UI_PASSWORD (auth.ui_password), listen on 127.0.0.1, or pass --insecure`,
  ),
  BATON_VALIDATION: entry<Reason & { field?: string; issues?: { where: string; message: string }[] }>(
    400,
    2,
    ["field", "issues"],
    (a) => a.reason,
  ),
  BATON_SPEC_INVALID: entry<Reason & { spec: string }>(400, 2, ["spec"], (a) => a.reason),

  // The database.
  BATON_DB_URL_UNSUPPORTED: entry<{ url: string; scheme: string }>(
    400,
    2,
    ["url", "scheme"],
    (a) =>
      `database.url: unsupported database "${a.scheme}" in ${a.url}; use postgres://USER:PASSWORD@HOST:PORT/DB for PostgreSQL, or sqlite:PATH (or leave it unset for the embedded SQLite file)`,
  ),
  BATON_DB_UNREACHABLE: entry<Reason & { url: string; dialect: "sqlite" | "postgres"; at: string }>(
    503,
    1,
    ["url", "dialect"],
    (a) =>
      a.dialect === "sqlite"
        ? `cannot open the SQLite database at ${a.at}: ${a.reason}`
        : `cannot reach PostgreSQL at ${a.at}: ${a.reason}`,
  ),
  BATON_DB_MIGRATION_FAILED: entry<Reason & { migration: string; url: string }>(
    500,
    1,
    ["migration"],
    (a) => `migration ${a.migration} failed on ${a.url}: ${a.reason}`,
  ),

  // Projects.
  BATON_PROJECT_NOT_FOUND: entry<{ project: string; reason?: string }>(
    404,
    1,
    ["project"],
    (a) => a.reason ?? `no project with the id or name ${a.project}`,
  ),
  BATON_PROJECT_EXISTS: entry<Reason & { name?: string; directory?: string }>(
    409,
    1,
    ["name", "directory"],
    (a) => a.reason,
  ),
  BATON_PROJECT_NOT_COMPLETE: entry<
    Reason & { project: string; open_task_ids?: number[]; tests_not_passing?: number }
  >(409, 1, ["project", "open_task_ids", "tests_not_passing"], (a) => `project ${a.project} ${a.reason}`),
  BATON_PROJECT_BUSY: entry<{
    project_id: number;
    running: { number: number; type: string; worker_id?: string | null } | null;
    doing: string;
    running_session?: number | null;
    type?: string | null;
    worker_id?: string | null;
  }>(409, 1, ["project_id", "running_session", "type", "worker_id"], (a) => {
    const worker = a.running?.worker_id ? ` (worker ${a.running.worker_id})` : "";
    const what =
      a.running === null
        ? "a run of this project is going on"
        : `${a.running.type === "review" ? "review" : "session"} ${a.running.number} of this project is running${worker}`;
    return `${what}; stop it (or wait for it to end) before ${a.doing}`;
  }),
  BATON_CAPACITY_FULL: entry<{ running: number; limit: number }>(
    503,
    1,
    ["running", "limit"],
    (a) =>
      `${a.running} projects are running, the most allowed (orchestrator.max_concurrent_projects); wait for one to finish`,
  ),
  BATON_SHUTTING_DOWN: entry<{ worker_id: string }>(
    503,
    1,
    ["worker_id"],
    (a) =>
      `this process (${a.worker_id}) is shutting down and starts no run; start it on another server or after the restart`,
  ),
  BATON_PROJECT_DIRECTORY_MISSING: entry<{ project?: string; directory: string }>(
    409,
    1,
    ["project", "directory"],
    (a) =>
      a.project === undefined
        ? `the project directory ${a.directory} is missing`
        : `the directory of project ${a.project} is missing: ${a.directory}; restore it, or delete the project`,
  ),
  BATON_PROJECT_FILE_UNSAFE: entry<Reason & { file?: string; directory?: string }>(
    409,
    1,
    ["file", "directory"],
    (a) => a.reason,
  ),
  BATON_PROJECT_UNWRITABLE: entry<Reason & { directory: string }>(
    409,
    1,
    ["directory"],
    (a) =>
      `the project folder ${a.directory} cannot be written (${a.reason}); make it writable again (its owner, permissions or mount), then run again`,
  ),
  BATON_GIT_UNSAFE: entry<Reason & { directory: string }>(
    409,
    1,
    ["directory"],
    (a) => `${a.directory} ${a.reason}`,
  ),

  // The plan.
  BATON_PLAN_EXISTS: entry<Reason & { project_id: number; epics?: number }>(
    409,
    1,
    ["project_id", "epics"],
    (a) => a.reason,
  ),
  BATON_PLAN_MISSING: entry<{ project_id: number; project: string }>(
    409,
    1,
    ["project_id"],
    (a) =>
      `project ${a.project} has no plan yet; initialize it first (POST /api/projects/${a.project_id}/initialize, or baton init), review the plan, then start coding`,
  ),
  BATON_PROJECT_COMPLETE: entry<{ project_id: number; project: string }>(
    409,
    1,
    ["project_id"],
    (a) => `project ${a.project} is complete: every task is done and every test passes`,
  ),
  BATON_EPIC_NOT_FOUND: entry<PlanItem & { epic_id: Id }>(
    404,
    1,
    ["project_id", "epic_id"],
    (a) => `${inProject(a, `epic ${a.epic_id}`)}; ${a.hint}`,
  ),
  BATON_EPIC_EXISTS: entry<{ name: string }>(
    409,
    1,
    ["name"],
    (a) =>
      `an epic named "${a.name}" already exists in this project; use a different name or add tasks to that epic`,
  ),
  BATON_TASK_NOT_FOUND: entry<PlanItem & { task_id: Id }>(
    404,
    1,
    ["project_id", "task_id"],
    (a) => `${inProject(a, `task ${a.task_id}`)}; ${a.hint}`,
  ),
  BATON_TASK_TESTS_NOT_PASSING: entry<Reason & { task_id: number; tests: { id: number; status: string }[] }>(
    409,
    1,
    ["task_id", "tests"],
    (a) => `task ${a.task_id} cannot be marked done: ${a.reason}`,
  ),
  BATON_TASK_INVALID_TRANSITION: entry<{
    task_id: number;
    from: string;
    to: string;
    allowed: readonly string[];
  }>(
    409,
    1,
    ["task_id", "from", "to"],
    (a) =>
      `task ${a.task_id} is ${a.from} and cannot become ${a.to}; allowed from ${a.from}: ${a.allowed.join(", ")}`,
  ),
  BATON_TEST_NOT_FOUND: entry<PlanItem & { test_id: Id }>(
    404,
    1,
    ["project_id", "test_id"],
    (a) => `${inProject(a, `test ${a.test_id}`)}; ${a.hint}`,
  ),

  // Sessions, runs and logs.
  BATON_SESSION_NOT_FOUND: entry<{
    project_id?: number;
    session_id?: number;
    number?: number;
    reason?: string;
  }>(
    404,
    1,
    ["project_id", "session_id", "number"],
    (a) =>
      a.reason ??
      (a.session_id === undefined
        ? `this project has no session ${a.number}`
        : `no session with the id ${a.session_id}`),
  ),
  BATON_SESSION_ALREADY_RUNNING: entry<{
    project_id: number;
    running_session_id: number | null;
    running: number | null;
    starting: number;
  }>(
    409,
    1,
    ["project_id", "running_session_id"],
    (a) =>
      `session ${a.running ?? "?"} of this project is still running; stop it or wait for it to end before starting session ${a.starting}`,
  ),
  BATON_SESSION_INVALID_TRANSITION: entry<
    Reason & { session_id: number; number: number; from: string; to: string }
  >(409, 1, ["session_id", "from", "to"], (a) => `session ${a.number} cannot become ${a.to}: ${a.reason}`),
  BATON_SESSION_NOT_RUNNING: entry<
    Reason & { project_id: number; session_id?: number | null; status?: string; worker_id?: string | null }
  >(409, 1, ["project_id", "session_id", "status", "worker_id"], (a) => a.reason),
  BATON_SESSION_FAILED: entry<Reason & { model?: string; session?: number; reply?: string }>(
    502,
    1,
    ["model", "session", "reply"],
    (a) => a.reason,
  ),
  BATON_RUN_NOT_STARTED: entry<Reason & { end: string }>(
    409,
    1,
    ["end"],
    (a) => `the run ended before a session started: ${a.reason}`,
  ),
  BATON_BUDGET_SPENT: entry<{ project_id: number; project: string; budget_usd: number; spent_usd: number }>(
    409,
    1,
    ["project_id", "budget_usd", "spent_usd"],
    (a) =>
      `project ${a.project} has spent $${a.spent_usd.toFixed(2)} of its $${a.budget_usd.toFixed(2)} budget; raise the budget to go on (project.budget_usd, or PATCH /api/projects/${a.project_id} with budget_usd)`,
  ),
  BATON_RESET_IMPOSSIBLE: entry<
    Reason & {
      project: string;
      init_commit_sha?: string | null;
      /** Where a reset stopped midway, what it had done, and the code of what stopped it. */
      step?: string;
      done?: string[];
      cause_code?: string | null;
    }
  >(409, 1, ["project", "init_commit_sha", "step", "done", "cause_code"], (a) => a.reason),
  BATON_SESSION_NOT_REVIEWABLE: entry<{ session_id: number; session: number; what: string }>(
    400,
    1,
    ["session_id", "session"],
    (a) => `session ${a.session} is ${a.what}; only finished coding sessions are reviewed`,
  ),
  BATON_LOG_NOT_FOUND: entry<{ session: number; file?: string; reason?: string }>(
    404,
    1,
    ["session", "file"],
    (a) => a.reason ?? `the log of session ${a.session} is missing${a.file ? `: ${a.file}` : ""}`,
  ),
  BATON_LOG_PATH_INVALID: entry<Reason & { session: number; log_path: string | null }>(
    400,
    1,
    ["session", "log_path"],
    (a) => a.reason,
  ),
  BATON_REVIEW_NOT_FOUND: entry<Reason & { project_id: number; review_id?: Id; session?: number }>(
    404,
    1,
    ["project_id", "review_id", "session"],
    (a) => a.reason,
  ),

  // Prompt improvement.
  BATON_PROMPT_VERSION_NOT_FOUND: entry<{ version_id?: number; name?: string; version?: number }>(
    404,
    1,
    ["version_id", "name", "version"],
    (a) =>
      a.version_id === undefined
        ? `the ${a.name} prompt has no version ${a.version}`
        : `no prompt version with the id ${a.version_id}`,
  ),
  BATON_ANALYSIS_NOT_FOUND: entry<{ analysis_id: number }>(
    404,
    1,
    ["analysis_id"],
    (a) => `no prompt analysis with the id ${a.analysis_id}`,
  ),
  BATON_ANALYSIS_RUNNING: entry<{ analysis_id: number; status: string }>(
    409,
    1,
    ["analysis_id"],
    (a) =>
      `analysis ${a.analysis_id} is still ${a.status}; delete it once it has ended (analysis_complete on the WebSocket says when)`,
  ),
  BATON_PROPOSAL_NOT_FOUND: entry<{ proposal_id: number }>(
    404,
    1,
    ["proposal_id"],
    (a) => `no prompt proposal with the id ${a.proposal_id}`,
  ),
  BATON_PROPOSAL_INVALID_TRANSITION: entry<Reason & { proposal_id: number; from?: string; to?: string }>(
    409,
    1,
    ["proposal_id", "from", "to"],
    (a) => `proposal ${a.proposal_id} ${a.reason}`,
  ),
  BATON_PROPOSAL_STALE: entry<
    Reason & {
      proposal_id: number;
      where: string;
      prompt: string;
      version: number | null;
      problem: string | null;
    }
  >(
    409,
    1,
    ["proposal_id", "prompt", "version", "problem"],
    (a) => `proposal ${a.proposal_id} no longer fits ${a.where}: ${a.reason}`,
  ),

  // The machine: credentials, sandbox, checks.
  BATON_CREDENTIALS_MISSING: entry<Record<never, never>>(
    412,
    1,
    [],
    () =>
      "no Claude credentials: set CLAUDE_CODE_OAUTH_TOKEN (a subscription token from `claude setup-token`) or ANTHROPIC_API_KEY (from the Claude Console); for Bedrock or Vertex set CLAUDE_CODE_USE_BEDROCK=1 or CLAUDE_CODE_USE_VERTEX=1 with that provider's credentials",
  ),
  BATON_SANDBOX_UNAVAILABLE: entry<Reason & { problems?: string[]; container?: string }>(
    412,
    1,
    ["problems", "container"],
    (a) => a.reason,
  ),
  BATON_DOCTOR_FAILED: entry<{ failed: string[] }>(
    412,
    1,
    ["failed"],
    (a) =>
      `doctor: ${a.failed.length} check${a.failed.length === 1 ? "" : "s"} failed: ${a.failed.join(", ")}`,
  ),

  // HTTP.
  BATON_UNAUTHORIZED: entry<Reason>(401, 1, [], (a) => a.reason),
  BATON_LOGIN_FAILED: entry<Record<never, never>>(401, 1, [], () => "wrong password"),
  BATON_FORBIDDEN: entry<Reason>(403, 1, [], (a) => a.reason),
  BATON_NOT_FOUND: entry<{ method: string; path: string }>(
    404,
    1,
    ["method", "path"],
    (a) => `no route ${a.method} ${a.path}`,
  ),
  BATON_TOO_MANY_REQUESTS: entry<Reason & { retry_after_s?: number }>(
    429,
    1,
    ["retry_after_s"],
    (a) => a.reason,
  ),
  BATON_PAYLOAD_TOO_LARGE: entry<Reason & { file?: string; limit_kb?: number; limit_bytes?: number }>(
    413,
    1,
    ["file", "limit_kb", "limit_bytes"],
    (a) => a.reason,
  ),
  BATON_UNSUPPORTED_MEDIA_TYPE: entry<Reason & { file?: string }>(415, 1, ["file"], (a) => a.reason),
  BATON_INTERNAL: entry<Record<never, never>>(500, 1, [], () => "internal error: see the server's log"),
} as const;
