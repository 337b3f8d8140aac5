import { z } from "zod";

export const SESSION_TYPES = ["initializer", "coding", "review"] as const;
export const SessionType = z.enum(SESSION_TYPES);
export type SessionType = z.infer<typeof SessionType>;

export const SESSION_STATUSES = ["pending", "running", "completed", "error", "interrupted"] as const;
export const SessionStatus = z.enum(SESSION_STATUSES);
export type SessionStatus = z.infer<typeof SessionStatus>;

export const TERMINAL_SESSION_STATUSES = ["completed", "error", "interrupted"] as const;
export type TerminalSessionStatus = (typeof TERMINAL_SESSION_STATUSES)[number];

export function isTerminal(status: SessionStatus): status is TerminalSessionStatus {
  return (TERMINAL_SESSION_STATUSES as readonly string[]).includes(status);
}

/**
 * Initializer and coding sessions share one 0-based number sequence per project (session 0 is
 * the initializer); review sessions run beside them and are numbered in their own sequence.
 */
export function numberingOf(type: SessionType): "work" | "review" {
  return type === "review" ? "review" : "work";
}

/** Counters kept on a session and summed on the project. */
export const USAGE_COUNTERS = [
  "input_tokens",
  "output_tokens",
  "cache_read_tokens",
  "cache_write_tokens",
  "tool_calls",
  "tool_errors",
  "tasks_completed",
  "tests_passed",
  "browser_verifications",
  "denied_commands",
] as const;
export type UsageCounter = (typeof USAGE_COUNTERS)[number];
export type UsageDelta = Partial<Record<UsageCounter | "cost_usd", number>>;

const Counters = Object.fromEntries(USAGE_COUNTERS.map((c) => [c, z.number().int().min(0)])) as Record<
  UsageCounter,
  z.ZodNumber
>;

export const Session = z.object({
  id: z.number().int().positive(),
  project_id: z.number().int().positive(),
  number: z.number().int().min(0),
  type: SessionType,
  model: z.string(),
  status: SessionStatus,
  prompt_version_id: z.number().int().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  ended_at: z.string().nullable(),
  error: z.string().nullable(),
  interruption_reason: z.string().nullable(),
  cost_usd: z.number(),
  ...Counters,
  event_count: z.number().int().min(0),
  worker_id: z.string().nullable(),
  heartbeat_at: z.string().nullable(),
  log_path: z.string().nullable(),
});
export type Session = z.infer<typeof Session>;

export const SessionEvent = z.object({
  id: z.number().int().positive(),
  /** Null for project-level events (between sessions). */
  session_id: z.number().int().positive().nullable(),
  /** Null for events about no one project (a prompt analysis that ended). */
  project_id: z.number().int().positive().nullable(),
  /** The per-session sequence number; null for project-level events. */
  seq: z.number().int().positive().nullable(),
  ts: z.string(),
  type: z.string(),
  payload: z.unknown(),
});
export type SessionEvent = z.infer<typeof SessionEvent>;

/** What work cost per unit: per task completed and per test passed; null when there were none. */
export function unitCosts(
  costUsd: number,
  tasksCompleted: number,
  testsPassed: number,
): { per_task_usd: number | null; per_passing_test_usd: number | null } {
  return {
    per_task_usd: tasksCompleted > 0 ? costUsd / tasksCompleted : null,
    per_passing_test_usd: testsPassed > 0 ? costUsd / testsPassed : null,
  };
}

/** A finished session's figures, as its session_end event and log give them. */
export function sessionMetrics(session: Session): Record<string, number> {
  const unit = unitCosts(session.cost_usd, session.tasks_completed, session.tests_passed);
  return {
    input_tokens: session.input_tokens,
    output_tokens: session.output_tokens,
    cache_read_tokens: session.cache_read_tokens,
    cache_write_tokens: session.cache_write_tokens,
    cost_usd: session.cost_usd,
    ...(unit.per_task_usd === null ? {} : { cost_per_task_usd: unit.per_task_usd }),
    ...(unit.per_passing_test_usd === null ? {} : { cost_per_passing_test_usd: unit.per_passing_test_usd }),
    tool_calls: session.tool_calls,
    tool_errors: session.tool_errors,
    tasks_completed: session.tasks_completed,
    tests_passed: session.tests_passed,
    browser_verifications: session.browser_verifications,
  };
}
