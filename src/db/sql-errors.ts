/**
 * Recognises constraint violations from either driver. Which constraint fired is worked out by the
 * store from the data (driver messages differ: SQLite names columns, PostgreSQL names constraints).
 */
function codeOf(error: unknown): unknown {
  return error !== null && typeof error === "object" ? (error as { code?: unknown }).code : undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

export function isForeignKeyViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code === "23503" || code === "SQLITE_CONSTRAINT_FOREIGNKEY";
}

/** PostgreSQL's connection-exception class (08…) and shutdowns; Node's socket errors. */
const CONNECTION_CODES = /^(08\w{3}|57P0[123]|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EHOSTUNREACH)$/;

/**
 * Whether `error` (or an error it was caused by) says the database connection was lost — not
 * that the statement was wrong: what is worth doing again once the database is back.
 */
export function isConnectionLost(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = codeOf(e);
    if (typeof code === "string" && CONNECTION_CODES.test(code)) return true;
    if (/^Connection terminated/.test(e.message)) return true;
    e = e.cause;
  }
  return false;
}
