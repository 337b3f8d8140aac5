/**
 * The one error catalog. Every expected failure in Baton is a BatonError with a stable code;
 * edges map it (HTTP status, CLI exit code, MCP tool error text) and never log it as a crash.
 */

export const ERROR_CATALOG = {
  BATON_CONFIG_INVALID: { status: 400, exit: 2 },
  BATON_CONFIG_FILE_UNREADABLE: { status: 400, exit: 2 },
  BATON_USAGE: { status: 400, exit: 2 },
  BATON_DB_URL_UNSUPPORTED: { status: 400, exit: 2 },
  BATON_DB_UNREACHABLE: { status: 503, exit: 1 },
  BATON_DB_MIGRATION_FAILED: { status: 500, exit: 1 },
  BATON_VALIDATION: { status: 400, exit: 2 },
  BATON_PROJECT_NOT_FOUND: { status: 404, exit: 1 },
  BATON_PROJECT_EXISTS: { status: 409, exit: 1 },
  BATON_PROJECT_NOT_COMPLETE: { status: 409, exit: 1 },
  BATON_EPIC_NOT_FOUND: { status: 404, exit: 1 },
  BATON_EPIC_EXISTS: { status: 409, exit: 1 },
  BATON_TASK_NOT_FOUND: { status: 404, exit: 1 },
  BATON_TASK_TESTS_NOT_PASSING: { status: 409, exit: 1 },
  BATON_TASK_INVALID_TRANSITION: { status: 409, exit: 1 },
  BATON_TEST_NOT_FOUND: { status: 404, exit: 1 },
  BATON_SESSION_NOT_FOUND: { status: 404, exit: 1 },
  BATON_SESSION_ALREADY_RUNNING: { status: 409, exit: 1 },
  BATON_SESSION_INVALID_TRANSITION: { status: 409, exit: 1 },
  BATON_LOG_NOT_FOUND: { status: 404, exit: 1 },
  BATON_PLAN_EXISTS: { status: 409, exit: 1 },
  BATON_PROMPT_VERSION_NOT_FOUND: { status: 404, exit: 1 },
  BATON_ANALYSIS_NOT_FOUND: { status: 404, exit: 1 },
  BATON_PROPOSAL_NOT_FOUND: { status: 404, exit: 1 },
  BATON_PROPOSAL_INVALID_TRANSITION: { status: 409, exit: 1 },
  BATON_PROPOSAL_STALE: { status: 409, exit: 1 },
  BATON_ANALYSIS_RUNNING: { status: 409, exit: 1 },
  BATON_CREDENTIALS_MISSING: { status: 412, exit: 1 },
  BATON_SPEC_INVALID: { status: 400, exit: 2 },
  BATON_SESSION_FAILED: { status: 502, exit: 1 },
  BATON_PROJECT_BUSY: { status: 409, exit: 1 },
  BATON_BUDGET_SPENT: { status: 409, exit: 1 },
  BATON_RESET_IMPOSSIBLE: { status: 409, exit: 1 },
  BATON_SANDBOX_UNAVAILABLE: { status: 412, exit: 1 },
  BATON_DOCTOR_FAILED: { status: 412, exit: 1 },
  BATON_UNAUTHORIZED: { status: 401, exit: 1 },
  BATON_FORBIDDEN: { status: 403, exit: 1 },
  BATON_LOGIN_FAILED: { status: 401, exit: 1 },
  BATON_TOO_MANY_REQUESTS: { status: 429, exit: 1 },
  BATON_NOT_FOUND: { status: 404, exit: 1 },
  BATON_PAYLOAD_TOO_LARGE: { status: 413, exit: 1 },
  BATON_UNSUPPORTED_MEDIA_TYPE: { status: 415, exit: 1 },
  BATON_SERVER_INSECURE: { status: 400, exit: 2 },
  BATON_INTERNAL: { status: 500, exit: 1 },
  BATON_PLAN_MISSING: { status: 409, exit: 1 },
  BATON_PROJECT_COMPLETE: { status: 409, exit: 1 },
  BATON_RUN_NOT_STARTED: { status: 409, exit: 1 },
  BATON_SESSION_NOT_RUNNING: { status: 409, exit: 1 },
  BATON_LOG_PATH_INVALID: { status: 400, exit: 1 },
  BATON_CONFIRMATION_REQUIRED: { status: 400, exit: 2 },
  BATON_PROJECT_DIRECTORY_MISSING: { status: 409, exit: 1 },
  BATON_PROJECT_FILE_UNSAFE: { status: 409, exit: 1 },
  BATON_PROJECT_UNWRITABLE: { status: 409, exit: 1 },
  BATON_GIT_UNSAFE: { status: 409, exit: 1 },
} as const satisfies Record<string, { status: number; exit: number }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export class BatonError extends Error {
  override readonly name = "BatonError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly data?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get status(): number {
    return ERROR_CATALOG[this.code].status;
  }

  get exitCode(): number {
    return ERROR_CATALOG[this.code].exit;
  }

  toJSON(): { code: ErrorCode; message: string; data?: Record<string, unknown> } {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

export function isBatonError(value: unknown, code?: ErrorCode): value is BatonError {
  return value instanceof BatonError && (code === undefined || value.code === code);
}

/**
 * BATON_PROJECT_BUSY, with one message form and one data shape wherever it is raised: the
 * session running (null while a run is between sessions) and what was refused.
 */
export function projectBusy(
  projectId: number,
  running: { number: number; type: string; worker_id?: string | null } | null,
  doing: string,
): BatonError {
  const worker = running?.worker_id ? ` (worker ${running.worker_id})` : "";
  const what =
    running === null
      ? "a run of this project is going on"
      : `${running.type === "review" ? "review" : "session"} ${running.number} of this project is running${worker}`;
  return new BatonError("BATON_PROJECT_BUSY", `${what}; stop it (or wait for it to end) before ${doing}`, {
    project_id: projectId,
    running_session: running?.number ?? null,
    type: running?.type ?? null,
    worker_id: running?.worker_id ?? null,
  });
}

/** BATON_PROJECT_NOT_FOUND for an id or a name, one message and data shape for every store. */
export function projectNotFound(idOrName: string | number): BatonError {
  return new BatonError("BATON_PROJECT_NOT_FOUND", `no project with the id or name ${idOrName}`, {
    project: String(idOrName),
  });
}
