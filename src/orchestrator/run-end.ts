import type { SessionOutcome } from "../agent/run-session.ts";
import { assertNever } from "../util/assert-never.ts";

/** Why a run stopped. */
export type RunEnd =
  | "complete"
  | "initialized"
  | "max_iterations"
  | "stop_after_current"
  | "stopped"
  | "budget"
  | "no_task"
  | "fatal"
  | "failed"
  | "stuck";

/** How a run ended, and its sessions. */
export interface RunResult {
  end: RunEnd;
  message: string;
  sessions: SessionOutcome[];
}

/** Runs that ended as asked or as planned succeed; the others need a person. */
export function isSuccessfulEnd(end: RunEnd): boolean {
  switch (end) {
    case "complete":
    case "initialized":
    case "max_iterations":
    case "stop_after_current":
    case "stopped":
    case "budget":
      return true;
    case "no_task":
    case "fatal":
    case "failed":
    case "stuck":
      return false;
    default:
      return assertNever(end, "run end");
  }
}

/** How a run ends whose last session failed (after the one retry, or at once for a fatal error). */
export function failedEnd(last: SessionOutcome, initializer: boolean): { end: RunEnd; message: string } {
  const kind = last.stop?.kind;
  const what = initializer ? "the initializer" : `session ${last.session.number}`;
  const end: RunEnd =
    kind === "user"
      ? "stopped"
      : kind === "fatal" || kind === "unreachable"
        ? "fatal"
        : kind === "stuck" || kind === "no_progress"
          ? "stuck"
          : "failed";
  const message =
    end === "stopped" || end === "fatal"
      ? (last.stop?.message ?? "stopped")
      : `${what} ${initializer ? "failed" : "failed again"}: ${last.error ?? last.session.interruption_reason ?? "unknown error"}`;
  return { end, message };
}

/** A failed session worth one more try: not stopped by a person, the budget, or an error a person must fix. */
export function retryable(outcome: SessionOutcome): boolean {
  const kind = outcome.stop?.kind;
  return kind !== "user" && kind !== "budget" && kind !== "fatal" && kind !== "unreachable";
}
