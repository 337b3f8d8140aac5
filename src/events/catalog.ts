import { z } from "zod";
import { ProjectStatus } from "../projects/model.ts";

/**
 * The event catalog: every change Baton records, with its payload schema. Every event is stored
 * in the event log (`session_events`) by the write that made the change and published on the bus
 * after it commits; other processes see it through the event feed (events/feed.ts). Session
 * events are also written to the session's logs. The API streams them over WebSocket (mapped to
 * envelopes in server/ws/map-event.ts): this catalog is the only channel to the UI.
 */
const Usage = z.object({
  input_tokens: z.number(),
  output_tokens: z.number(),
  cache_read_tokens: z.number(),
  cache_write_tokens: z.number(),
});

export const EVENT_PAYLOADS = {
  session_start: z.object({
    session_number: z.number(),
    session_type: z.string(),
    model: z.string(),
    credentials: z.string(),
    prompt_version: z.number().nullable(),
    cwd: z.string(),
  }),
  prompt: z.object({ text: z.string() }),
  assistant_text: z.object({ text: z.string() }),
  thinking: z.object({ text: z.string() }),
  tool_use: z.object({ tool_use_id: z.string(), name: z.string(), input: z.unknown() }),
  tool_result: z.object({
    tool_use_id: z.string(),
    name: z.string(),
    is_error: z.boolean(),
    content: z.string(),
    duration_ms: z.number().nullable(),
  }),
  system: z.object({ subtype: z.string(), message: z.string(), data: z.unknown().optional() }),
  error: z.object({ message: z.string(), kind: z.string() }),
  security: z.object({
    tool: z.string(),
    command: z.string(),
    allowed: z.boolean(),
    reason: z.string(),
    /**
     * Which layer refused: the command policy, the file access rules, the OS sandbox, or Baton's
     * own host-side checks (what a session planted for Baton to run, e.g. git settings).
     */
    by: z.enum(["command_policy", "file_access", "sandbox", "host"]).optional(),
  }),
  result: z.object({
    subtype: z.string(),
    is_error: z.boolean(),
    num_turns: z.number(),
    duration_ms: z.number(),
    cost_usd: z.number(),
    usage: Usage,
    text: z.string().nullable(),
  }),
  session_end: z.object({
    status: z.string(),
    reason: z.string().nullable(),
    duration_ms: z.number(),
    metrics: z.record(z.string(), z.number()),
  }),
  // Project-level events: between sessions, not part of any session's log.
  run_started: z.object({
    kind: z.string(),
    max_iterations: z.number().nullable(),
    /** Where its sessions' commands run; `none` is said loudly wherever the run is shown. */
    sandbox: z.enum(["os", "docker", "none"]).optional(),
  }),
  auto_continue: z.object({ delay_s: z.number(), next_session: z.number() }),
  paused: z.object({ until: z.string(), reason: z.string() }),
  resumed: z.object({ reason: z.string() }),
  recovered: z.object({ session_number: z.number(), reason: z.string() }),
  project_complete: z.object({ sessions: z.number(), cost_usd: z.number() }),
  run_stopped: z.object({ reason: z.string(), message: z.string() }),
  /**
   * A person asked to stop the project's run now (the API, any server): the process that holds
   * the run — this one, a `baton run` in a terminal, another server — ends its session
   * `interrupted` when the event reaches it (its bus, through the event feed).
   */
  stop_requested: z.object({ reason: z.string(), session_id: z.number().int().positive().nullable() }),
  /** The project was taken back to right after its initializer (what is left of the plan). */
  reset: z.object({
    epics: z.number(),
    tasks: z.number(),
    tests: z.number(),
    sessions: z.number(),
    next_session_number: z.number(),
  }),
  /** A project was created, or its row changed: status, settings, budget, a stop request, completion. */
  project_changed: z.object({
    change: z.enum(["created", "updated", "completed", "reset"]),
    status: ProjectStatus,
  }),
  /** A project and its rows were deleted (the last event of its id). */
  project_deleted: z.object({ name: z.string() }),
  /**
   * The plan grew: an epic, tasks (with their tests) or a test were added. A reset keeps these
   * (it keeps the plan's rows). The ids are what a view must read; progress moved with them.
   */
  plan_added: z.object({
    added: z.enum(["epic", "tasks", "test"]),
    task_ids: z.array(z.number().int().positive()),
    test_ids: z.array(z.number().int().positive()),
  }),
  /** Work on the plan moved: a task's status or a test's result. */
  plan_changed: z.object({
    change: z.enum(["task_status", "test_result"]),
    task_ids: z.array(z.number().int().positive()),
    test_ids: z.array(z.number().int().positive()),
  }),
  /** A prompt-improvement analysis ended (about no one project: `project_id` is null). */
  analysis_complete: z.object({
    analysis_id: z.number().int().positive(),
    status: z.enum(["completed", "error"]),
    proposals: z.number().int().min(0),
  }),
  /** A quality check of a coding session was stored (quick after every one, deep now and then). */
  review_complete: z.object({
    kind: z.enum(["quick", "deep"]),
    /** The coding session reviewed. */
    session_id: z.number(),
    session_number: z.number(),
    rating: z.number().nullable(),
    quality_check_id: z.number(),
  }),
  /** A review could not be made or stored; the run goes on. */
  review_failed: z.object({
    kind: z.enum(["quick", "deep"]),
    session_id: z.number(),
    session_number: z.number(),
    message: z.string(),
  }),
} as const;

/** Events that belong to a project rather than to one session. */
export const PROJECT_EVENT_TYPES = [
  "run_started",
  "auto_continue",
  "paused",
  "resumed",
  "recovered",
  "project_complete",
  "run_stopped",
  "stop_requested",
  "reset",
  "review_complete",
  "review_failed",
  "project_changed",
  "project_deleted",
  "plan_added",
  "plan_changed",
] as const satisfies readonly (keyof typeof EVENT_PAYLOADS)[];
export type ProjectEventType = (typeof PROJECT_EVENT_TYPES)[number];

/** Events about no one project (stored with a null `project_id`). */
export const GLOBAL_EVENT_TYPES = [
  "analysis_complete",
] as const satisfies readonly (keyof typeof EVENT_PAYLOADS)[];
export type GlobalEventType = (typeof GLOBAL_EVENT_TYPES)[number];

export type EventType = keyof typeof EVENT_PAYLOADS;
export type EventPayload<T extends EventType> = z.infer<(typeof EVENT_PAYLOADS)[T]>;
export const EVENT_TYPES = Object.keys(EVENT_PAYLOADS) as EventType[];

/** An event as it is stored, logged and published. */
export interface BatonEvent<T extends EventType = EventType> {
  id: number;
  /** Null only for global events (GLOBAL_EVENT_TYPES). */
  project_id: number | null;
  /** Null for project-level events. */
  session_id: number | null;
  /** The per-session sequence number; null for project-level events. */
  seq: number | null;
  ts: string;
  type: T;
  payload: EventPayload<T>;
}

/** A stored event as the typed event it was recorded as; null for a type Baton no longer knows. */
export function asBatonEvent(event: { type: string }): BatonEvent | null {
  return event.type in EVENT_PAYLOADS ? (event as BatonEvent) : null;
}
