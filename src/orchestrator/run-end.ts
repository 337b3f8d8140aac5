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
