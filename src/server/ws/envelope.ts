/**
 * The WebSocket envelope catalog: every message the server sends over `/api/ws` is
 * `{ v: 1, type, project_id, session_id?, seq, ts, payload }` with `type` from this map and
 * `payload` matching its schema. `seq` is the id of the Baton event the message comes from (ids
 * grow across every project), so a client that remembers the highest `seq` it has seen can
 * reconnect with `?since=` and miss nothing. See docs/api.md ("WebSocket").
 */
import { z } from "zod";
import { Test } from "../../plan/model.ts";
import { ProgressSummary, TaskLine } from "../schemas/plan.ts";
import { ProjectView } from "../schemas/projects.ts";

export const ENVELOPE_VERSION = 1;

const Count = z.number().int().min(0);

/** The payload schema of every envelope type. */
export const ENVELOPE_PAYLOADS = {
  session_started: z.object({
    session_number: Count,
    session_type: z.string(),
    model: z.string(),
    prompt_version: z.number().nullable(),
  }),
  session_ended: z.object({
    /** Null when the session id is on the envelope (the client has it from session_started). */
    session_number: Count.nullable(),
    status: z.string(),
    reason: z.string().nullable(),
    duration_ms: z.number().nullable(),
    metrics: z.record(z.string(), z.number()),
  }),
  assistant_text: z.object({ text: z.string() }),
  tool_use: z.object({
    tool_use_id: z.string(),
    name: z.string(),
    /** The tool's input; a JSON string cut to a preview when it was too large (then `truncated`). */
    input: z.unknown(),
    truncated: z.boolean(),
  }),
  tool_result: z.object({
    tool_use_id: z.string(),
    name: z.string(),
    is_error: z.boolean(),
    content: z.string(),
    duration_ms: z.number().nullable(),
    truncated: z.boolean(),
  }),
  /** A task as `GET …/tasks` lists it (with its test counts); its changed tests come as test_updated. */
  task_updated: TaskLine,
  /** A test as `GET …/tasks/:taskId` shows it, evidence included. */
  test_updated: Test,
  /** As `GET …/progress` answers. */
  progress: ProgressSummary,
  auto_continue: z.object({ delay_s: z.number(), next_session: Count }),
  paused: z.object({ until: z.string(), reason: z.string() }),
  resumed: z.object({ reason: z.string() }),
  run_stopped: z.object({ reason: z.string(), message: z.string() }),
  project_complete: z.object({ sessions: Count, cost_usd: z.number() }),
  review_complete: z.object({
    session_id: z.number().int().positive(),
    kind: z.string(),
    rating: z.number().nullable(),
  }),
  /**
   * Global stream: a prompt-improvement analysis ended (`completed` or `error`) with this many
   * proposals. About no one project (`project_id` null), never replayed.
   */
  analysis_complete: z.object({
    analysis_id: z.number().int().positive(),
    status: z.enum(["completed", "error"]),
    proposals: Count,
  }),
  reset: z.object({ tasks: Count, tests: Count, epics: Count, sessions: Count, next_session_number: Count }),
  /**
   * Global stream: a project was created, or its status, progress, running session or settings
   * changed (as `GET /api/projects/:id`).
   */
  project_updated: ProjectView,
  /** Global stream: a project was deleted. */
  project_deleted: z.object({ id: z.number().int().positive(), name: z.string() }),
  /** The first message of every connection. */
  snapshot: z.union([
    z.object({
      scope: z.literal("project"),
      /** As `GET /api/projects/:id`: status, progress, next task, running session. */
      project: ProjectView,
      /** The newest events (up to 50) as envelopes, oldest first; empty when reconnecting with `since`. */
      events: z.array(z.unknown()),
    }),
    /** Every project as `GET /api/projects` lists them. */
    z.object({ scope: z.literal("global"), projects: z.array(ProjectView) }),
  ]),
  /** A problem with the connection (sent before closing it), or a session's error. */
  error: z.object({
    code: z.string(),
    message: z.string(),
    data: z.record(z.string(), z.unknown()).optional(),
  }),
} as const;

export type EnvelopeType = keyof typeof ENVELOPE_PAYLOADS;
export const ENVELOPE_TYPES = Object.keys(ENVELOPE_PAYLOADS) as EnvelopeType[];
export type EnvelopePayload<T extends EnvelopeType> = z.infer<(typeof ENVELOPE_PAYLOADS)[T]>;

/** One message; `Envelope` alone is the union of every type, narrowed by `type`. */
export type Envelope<T extends EnvelopeType = EnvelopeType> = T extends EnvelopeType
  ? {
      v: typeof ENVELOPE_VERSION;
      type: T;
      /** Null only on messages of the global stream that concern no one project. */
      project_id: number | null;
      session_id?: number;
      seq: number;
      ts: string;
      payload: EnvelopePayload<T>;
    }
  : never;

/** The zod schema of a whole envelope, a discriminated union on `type` (for clients and tests). */
export const EnvelopeSchema = z.discriminatedUnion(
  "type",
  ENVELOPE_TYPES.map((type) =>
    z.object({
      v: z.literal(ENVELOPE_VERSION),
      type: z.literal(type),
      project_id: z.number().int().positive().nullable(),
      session_id: z.number().int().positive().optional(),
      seq: Count,
      ts: z.string(),
      payload: ENVELOPE_PAYLOADS[type],
    }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

/**
 * The envelope union as an OpenAPI 3.0 schema: the document's `components.schemas.Envelope`, so
 * the web's types (web/lib/api.gen.ts) come from this one catalog too.
 */
export function envelopeOpenApiSchema(): Record<string, unknown> {
  return z.toJSONSchema(EnvelopeSchema, { target: "openapi-3.0", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
}

export function envelope<T extends EnvelopeType>(
  type: T,
  at: { project_id: number | null; session_id?: number | null; seq: number; ts?: string },
  payload: EnvelopePayload<T>,
): Envelope<T> {
  return {
    v: ENVELOPE_VERSION,
    type,
    project_id: at.project_id,
    ...(at.session_id == null ? {} : { session_id: at.session_id }),
    seq: at.seq,
    ts: at.ts ?? new Date().toISOString(),
    payload,
  } as Envelope<T>;
}
