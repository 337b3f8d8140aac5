/**
 * One line per top-level command, for `baton --help`. A light module (it imports nothing), so
 * the help is printed without loading any command; each command uses its line as its description.
 */
export const SUMMARY = {
  config: "show the merged configuration: every key, its value and where it came from",
  coverage: "how well the plan's tests cover its tasks and epics, with a verdict: good, fair or poor",
  db: "manage Baton's database (embedded SQLite or PostgreSQL)",
  delete: "delete a project's rows (its plan, sessions, events, reviews), and with --files its folder",
  demo: "watch Baton build a small app end to end offline, with a scripted model (no credentials needed)",
  doctor:
    "check everything a run needs (Node, Claude Code, credentials, sandbox, database, …) and say what to fix",
  improve:
    "analyse recent sessions' reviews and propose edits to the coding and initializer prompts (a model call)",
  init: "create a project and run only its planning session (session 0)",
  logs: "print a session's log (default: the latest session)",
  mcp: "serve a project's task tools over stdio as an MCP server (for Claude Code or another client)",
  openapi: "print the API's OpenAPI 3 document (what /api/openapi.json serves) without a server",
  policy: "the shell command policy that sessions run under",
  projects: "list every project with its progress, cost and running session",
  prompts: "prompt versions (list, show, diff, activate to roll back) and improvement proposals",
  reset:
    "take a project back to right after its planning session: the init commit, the plan with no progress, session 0 only",
  review: "the quality of a project's coding sessions: quick checks, deep reviews, trends, a final report",
  run: "create or resume a project: plan it if needed, then code session after session",
  serve: "run Baton's server: the API, the web UI and the orchestrator, on one port",
  status: "show a project's progress, cost, running session and next task",
  worker: "take runs from the job queue (PostgreSQL) and run them, until SIGTERM",
} as const;

export type CommandName = keyof typeof SUMMARY;
