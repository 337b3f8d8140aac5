/**
 * Baton events → WebSocket envelopes: which events are streamed, and as what (one function), and
 * which events make the hub read and send a view (the changed task, test and progress after
 * `plan_changed`; the project after a change to its summary).
 */
import type { BatonEvent, EventType } from "../../events/catalog.ts";

export { asBatonEvent } from "../../events/catalog.ts";

import { assertNever } from "../../util/assert-never.ts";
import { type Envelope, envelope } from "./envelope.ts";

/** Tool inputs and results longer than this (characters of JSON/text) are cut, with `truncated: true`. */
export const MAX_TOOL_TEXT = 16_000;

/**
 * Whether each event type is streamed. Not streamed: the prompt (large, the same every session),
 * thinking, system notices, security decisions (the refused call's tool_result carries the
 * reason), the SDK's result (session_ended follows it) and run_started (session_started follows
 * it). They stay in the database and the session logs.
 */
const STREAMED: { readonly [K in EventType]: boolean } = {
  session_start: true,
  prompt: false,
  assistant_text: true,
  thinking: false,
  tool_use: true,
  tool_result: true,
  system: false,
  error: true,
  security: false,
  result: false,
  session_end: true,
  run_started: false,
  auto_continue: true,
  paused: true,
  resumed: true,
  recovered: true,
  project_complete: true,
  run_stopped: true,
  // The session's end and run_stopped show the stop itself.
  stop_requested: false,
  reset: true,
  review_complete: true,
  review_failed: true,
  // Sent as views read after them (project_updated; task_updated, test_updated and progress).
  project_changed: false,
  plan_added: false,
  plan_changed: false,
  project_deleted: true,
  analysis_complete: true,
};

/** The event types a stream sends (what replays and snapshots read from the database). */
export const STREAMED_EVENT_TYPES: readonly EventType[] = (Object.keys(STREAMED) as EventType[]).filter(
  (type) => STREAMED[type],
);

/** The events after which a project stream resends the changed tasks, tests and progress. */
export const PLAN_EVENT_TYPES: readonly EventType[] = ["plan_added", "plan_changed"];

/** What a replay reads: the streamed events, and the plan changes it resends views for. */
export const REPLAYED_EVENT_TYPES: readonly EventType[] = [...STREAMED_EVENT_TYPES, ...PLAN_EVENT_TYPES];

function cut(text: string): { text: string; truncated: boolean } {
  return text.length > MAX_TOOL_TEXT
    ? { text: text.slice(0, MAX_TOOL_TEXT), truncated: true }
    : { text, truncated: false };
}

/** The envelope of an event, or null when the event is not streamed. */
export function toEnvelope(event: BatonEvent): Envelope | null {
  const at = { project_id: event.project_id, session_id: event.session_id, seq: event.id, ts: event.ts };
  switch (event.type) {
    case "session_start": {
      const p = event.payload as BatonEvent<"session_start">["payload"];
      return envelope("session_started", at, {
        session_number: p.session_number,
        session_type: p.session_type,
        model: p.model,
        prompt_version: p.prompt_version,
      });
    }
    case "session_end": {
      const p = event.payload as BatonEvent<"session_end">["payload"];
      return envelope("session_ended", at, {
        session_number: null,
        status: p.status,
        reason: p.reason,
        duration_ms: p.duration_ms,
        metrics: p.metrics,
      });
    }
    case "recovered": {
      // A session whose worker died, ended by recovery: to a client, that session ended.
      const p = event.payload as BatonEvent<"recovered">["payload"];
      return envelope("session_ended", at, {
        session_number: p.session_number,
        status: "interrupted",
        reason: p.reason,
        duration_ms: null,
        metrics: {},
      });
    }
    case "assistant_text":
      return envelope("assistant_text", at, event.payload as BatonEvent<"assistant_text">["payload"]);
    case "tool_use": {
      const p = event.payload as BatonEvent<"tool_use">["payload"];
      const json = JSON.stringify(p.input ?? null);
      const input = json.length > MAX_TOOL_TEXT ? cut(json) : { text: null, truncated: false };
      return envelope("tool_use", at, {
        tool_use_id: p.tool_use_id,
        name: p.name,
        input: input.text ?? p.input,
        truncated: input.truncated,
      });
    }
    case "tool_result": {
      const p = event.payload as BatonEvent<"tool_result">["payload"];
      const content = cut(p.content);
      return envelope("tool_result", at, {
        tool_use_id: p.tool_use_id,
        name: p.name,
        is_error: p.is_error,
        content: content.text,
        duration_ms: p.duration_ms,
        truncated: content.truncated,
      });
    }
    case "error": {
      const p = event.payload as BatonEvent<"error">["payload"];
      return envelope("error", at, {
        code: "BATON_SESSION_ERROR",
        message: p.message,
        data: { kind: p.kind },
      });
    }
    case "auto_continue":
      return envelope("auto_continue", at, event.payload as BatonEvent<"auto_continue">["payload"]);
    case "paused":
      return envelope("paused", at, event.payload as BatonEvent<"paused">["payload"]);
    case "resumed":
      return envelope("resumed", at, event.payload as BatonEvent<"resumed">["payload"]);
    case "project_complete":
      return envelope("project_complete", at, event.payload as BatonEvent<"project_complete">["payload"]);
    case "run_stopped":
      return envelope("run_stopped", at, event.payload as BatonEvent<"run_stopped">["payload"]);
    case "reset":
      return envelope("reset", at, event.payload as BatonEvent<"reset">["payload"]);
    case "review_complete": {
      const p = event.payload as BatonEvent<"review_complete">["payload"];
      return envelope("review_complete", at, { session_id: p.session_id, kind: p.kind, rating: p.rating });
    }
    case "review_failed": {
      const p = event.payload as BatonEvent<"review_failed">["payload"];
      return envelope("error", at, {
        code: "BATON_REVIEW_FAILED",
        message: `the ${p.kind} review of session ${p.session_number} failed: ${p.message}`,
        data: { kind: p.kind, session_id: p.session_id, session_number: p.session_number },
      });
    }
    case "project_deleted":
      return envelope("project_deleted", at, {
        id: event.project_id ?? 0,
        name: (event.payload as BatonEvent<"project_deleted">["payload"]).name,
      });
    case "analysis_complete":
      return envelope("analysis_complete", at, event.payload as BatonEvent<"analysis_complete">["payload"]);
    case "project_changed":
    case "plan_added":
    case "plan_changed":
    case "prompt":
    case "thinking":
    case "system":
    case "security":
    case "result":
    case "run_started":
    case "stop_requested":
      return null;
    default:
      return assertNever(event.type, "event type");
  }
}

/** What a plan change makes a project stream resend: these tasks and tests, then progress. */
export interface PlanChange {
  taskIds: number[];
  testIds: number[];
}

/** The plan change an event stands for; null for any other event. */
export function planChangeOf(event: BatonEvent): PlanChange | null {
  if (event.type !== "plan_changed" && event.type !== "plan_added") return null;
  const p = event.payload as BatonEvent<"plan_changed" | "plan_added">["payload"];
  return { taskIds: p.task_ids, testIds: p.test_ids };
}

/** Events after which a project's summary (status, running session, cost) may have changed. */
const LIFECYCLE: ReadonlySet<EventType> = new Set<EventType>([
  "run_started",
  "session_start",
  "session_end",
  "auto_continue",
  "paused",
  "resumed",
  "recovered",
  "project_complete",
  "run_stopped",
  "project_changed",
  "plan_added",
  "plan_changed",
]);

export function changesProjectSummary(event: BatonEvent): boolean {
  return LIFECYCLE.has(event.type);
}
