/**
 * Baton events → WebSocket envelopes: which events are streamed, and as what (one function), and
 * which task-tool results change the plan so that the hub sends the changed task, test and
 * progress after them.
 */
import { type BatonEvent, EVENT_PAYLOADS, type EventType } from "../../events/catalog.ts";
import type { SessionEvent } from "../../sessions/model.ts";
import { TASK_SERVER_NAME } from "../../tasks/tool.ts";
import {
  createEpic,
  createTask,
  createTest,
  expandEpic,
  markProjectComplete,
  startTask,
  updateTaskStatus,
  updateTestResult,
} from "../../tasks/write-tools.ts";
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
  reset: true,
  review_complete: true,
  review_failed: true,
};

/** The event types a stream sends (what replays and snapshots read from the database). */
export const STREAMED_EVENT_TYPES: readonly EventType[] = (Object.keys(STREAMED) as EventType[]).filter(
  (type) => STREAMED[type],
);

/** A stored event as the typed event it was recorded as; null for a type Baton no longer knows. */
export function asBatonEvent(event: SessionEvent): BatonEvent | null {
  return event.type in EVENT_PAYLOADS ? (event as BatonEvent) : null;
}

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
    case "prompt":
    case "thinking":
    case "system":
    case "security":
    case "result":
    case "run_started":
      return null;
    default:
      return assertNever(event.type, "event type");
  }
}

/** What a task tool's successful result changed: tasks and tests to resend, and whether progress moved. */
export interface PlanChange {
  taskIds: number[];
  testIds: number[];
}

const TASK_TOOL_PREFIX = `mcp__${TASK_SERVER_NAME}__`;

/** The tools whose success changes a task's status, a test's result or the plan, and what to resend. */
const CHANGES: Record<string, (result: Record<string, unknown>) => PlanChange> = {
  [startTask.name]: (r) => ({ taskIds: ids(r.id), testIds: [] }),
  [updateTaskStatus.name]: (r) => ({ taskIds: ids(r.id), testIds: [] }),
  [updateTestResult.name]: (r) => ({ taskIds: ids(r.task_id), testIds: ids(r.id) }),
  // A new test may reopen a done task.
  [createTest.name]: (r) => ({ taskIds: ids(r.task_id), testIds: ids(r.id) }),
  // The plan grows while the initializer writes it: progress only.
  [createEpic.name]: () => ({ taskIds: [], testIds: [] }),
  [createTask.name]: () => ({ taskIds: [], testIds: [] }),
  [expandEpic.name]: () => ({ taskIds: [], testIds: [] }),
  // The project's status changes (the global stream resends the project).
  [markProjectComplete.name]: () => ({ taskIds: [], testIds: [] }),
};

function ids(value: unknown): number[] {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? [value] : [];
}

/** The plan change of a task tool's successful result; null for any other event. */
export function planChangeOf(event: BatonEvent): PlanChange | null {
  if (event.type !== "tool_result") return null;
  const p = event.payload as BatonEvent<"tool_result">["payload"];
  if (p.is_error || !p.name.startsWith(TASK_TOOL_PREFIX)) return null;
  const change = CHANGES[p.name.slice(TASK_TOOL_PREFIX.length)];
  if (!change) return null;
  let result: unknown;
  try {
    result = JSON.parse(p.content);
  } catch {
    result = {};
  }
  return change(typeof result === "object" && result !== null ? (result as Record<string, unknown>) : {});
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
]);

export function changesProjectSummary(event: BatonEvent): boolean {
  return LIFECYCLE.has(event.type) || planChangeOf(event) !== null;
}
