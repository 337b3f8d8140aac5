/**
 * Baton's errors. Every expected failure is a BatonError with a stable code, made by
 * `fail(code, args)` from that code's entry in the catalog (src/error-catalog.ts): its HTTP
 * status, its CLI exit code, its message template and its data shape (the args it keeps as
 * `data`). Edges map it (HTTP status, CLI exit code, MCP tool error text) and never log it as a
 * crash. docs/errors.md lists the codes; test/errors.test.ts checks that the list and the catalog
 * agree, and that nothing outside this file builds a BatonError by hand.
 */
import { type Entry, ERROR_CATALOG } from "./error-catalog.ts";

export { ERROR_CATALOG };

export type ErrorCode = keyof typeof ERROR_CATALOG;
/** What `fail` takes for a code: the args of its entry. */
export type ErrorArgs<C extends ErrorCode> = Parameters<(typeof ERROR_CATALOG)[C]["message"]>[0];

export class BatonError extends Error {
  override readonly name = "BatonError";
  /** Made by `fail` only (a test holds every other file to it). */
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

/** The error of a code: its message from the entry's template, its data the entry's keys of `args`. */
export function fail<C extends ErrorCode>(
  code: C,
  args: ErrorArgs<C>,
  options?: { cause?: unknown },
): BatonError {
  const spec = ERROR_CATALOG[code] as Entry<ErrorArgs<C>>;
  const data: Record<string, unknown> = {};
  for (const key of spec.data) if (args[key] !== undefined) data[key] = args[key];
  return new BatonError(code, spec.message(args), Object.keys(data).length > 0 ? data : undefined, options);
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
  return fail("BATON_PROJECT_BUSY", {
    project_id: projectId,
    running,
    doing,
    running_session: running?.number ?? null,
    type: running?.type ?? null,
    worker_id: running?.worker_id ?? null,
  });
}

/** BATON_PROJECT_NOT_FOUND for an id or a name, one message and data shape for every store. */
export function projectNotFound(idOrName: string | number): BatonError {
  return fail("BATON_PROJECT_NOT_FOUND", { project: String(idOrName) });
}
