import { z } from "zod";
import { type Session, SessionStatus, SessionType, USAGE_COUNTERS } from "../../sessions/model.ts";
import { PathId, ProjectParams } from "./common.ts";

export const SessionParams = ProjectParams.extend({
  sid: PathId.describe("the session's id (of that project)"),
});

/** What a session counted as it ran (the SDK's final totals are authoritative). */
export const SessionMetrics = z.object({
  cost_usd: z.number(),
  ...(Object.fromEntries(USAGE_COUNTERS.map((c) => [c, z.number().int()])) as Record<
    (typeof USAGE_COUNTERS)[number],
    z.ZodNumber
  >),
  events: z.number().int(),
});
export type SessionMetrics = z.infer<typeof SessionMetrics>;

/** A session as the sessions list shows it. */
export const SessionInfo = z.object({
  id: z.number().int(),
  project_id: z.number().int(),
  number: z.number().int(),
  type: SessionType,
  model: z.string(),
  status: SessionStatus,
  created_at: z.string(),
  started_at: z.string().nullable(),
  ended_at: z.string().nullable(),
  /** From start to end; null until the session has ended. */
  duration_ms: z.number().int().nullable(),
  error: z.string().nullable(),
  interruption_reason: z.string().nullable(),
  metrics: SessionMetrics,
});
export type SessionInfo = z.infer<typeof SessionInfo>;

/** One session, with what the list leaves out. */
export const SessionDetail = SessionInfo.extend({
  prompt_version_id: z.number().int().nullable(),
  worker_id: z.string().nullable(),
  heartbeat_at: z.string().nullable(),
  /** Which of the session's two log files can be downloaded. */
  log_files: z.object({ txt: z.boolean(), jsonl: z.boolean() }),
});
export type SessionDetail = z.infer<typeof SessionDetail>;

export function toSessionInfo(s: Session): SessionInfo {
  const started = s.started_at === null ? Number.NaN : Date.parse(s.started_at);
  const ended = s.ended_at === null ? Number.NaN : Date.parse(s.ended_at);
  const metrics = Object.fromEntries(USAGE_COUNTERS.map((c) => [c, s[c]])) as Record<
    (typeof USAGE_COUNTERS)[number],
    number
  >;
  return {
    id: s.id,
    project_id: s.project_id,
    number: s.number,
    type: s.type,
    model: s.model,
    status: s.status,
    created_at: s.created_at,
    started_at: s.started_at,
    ended_at: s.ended_at,
    duration_ms: Number.isNaN(started) || Number.isNaN(ended) ? null : Math.max(0, ended - started),
    error: s.error,
    interruption_reason: s.interruption_reason,
    metrics: { cost_usd: s.cost_usd, ...metrics, events: s.event_count },
  };
}

/** What starting a run answers with: its first session, already running. */
export const StartedSession = z.object({
  project_id: z.number().int(),
  session_id: z.number().int(),
  session_number: z.number().int(),
  type: SessionType,
  model: z.string(),
  status: SessionStatus,
});

/**
 * What starting a run answers with when it waits in the job queue: the workers are busy (their own
 * limits, `worker.max_sessions`), and it starts when one has room.
 */
export const QueuedStart = z.object({
  project_id: z.number().int(),
  queued: z.literal(true),
  job_id: z.string(),
  message: z.string(),
});

/** A start's answer: the first session, or (with the job queue) the run waiting for a worker. */
export const StartAnswer = z.union([StartedSession, QueuedStart]);

/** What a stop request answers with: the session being stopped (it ends `interrupted`). */
export const StoppingSession = z.object({
  project_id: z.number().int(),
  session_id: z.number().int(),
  session_number: z.number().int(),
  stopping: z.literal(true),
});
