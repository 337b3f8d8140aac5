import type { BatonEvent, EventPayload } from "../events/catalog.ts";
import { assertNever } from "../util/assert-never.ts";
import { formatDuration } from "../util/duration.ts";

/** How much of each kind of text the human log keeps; errors are always kept whole. */
export const TRIM = { prompt: 400, assistant: 4000, thinking: 600, toolInput: 400, toolResult: 600 } as const;

export function trim(text: string, max: number): string {
  const flat = text.replace(/\s+$/g, "");
  return flat.length <= max ? flat : `${flat.slice(0, max)}… [${flat.length - max} more characters]`;
}

function oneLine(value: unknown, max: number): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return trim((text ?? "").replace(/\s*\n\s*/g, " ⏎ "), max);
}

/** Continuation lines are indented under the label so the log reads as blocks. */
function block(stamp: string, label: string, text: string): string {
  const [first = "", ...rest] = text.split("\n");
  const pad = " ".repeat(stamp.length + 1 + label.length + 1);
  return [`${stamp} ${label} ${first}`, ...rest.map((line) => `${pad}${line}`)].join("\n");
}

/** One event as human-readable line(s), stamped with the time since the session started. */
export function formatEventText(event: BatonEvent, startedAt: number): string {
  const stamp = `[${formatDuration(Date.parse(event.ts) - startedAt).padStart(7)}]`;
  const e = event as { [K in BatonEvent["type"]]: { type: K; payload: EventPayload<K> } }[BatonEvent["type"]];
  switch (e.type) {
    case "session_start":
      return block(
        stamp,
        "START  ",
        `session ${e.payload.session_number} (${e.payload.session_type}), model ${e.payload.model}, credentials: ${e.payload.credentials}, prompt version ${e.payload.prompt_version ?? "-"}`,
      );
    case "prompt":
      return block(stamp, "PROMPT ", trim(e.payload.text, TRIM.prompt));
    case "assistant_text":
      return block(stamp, "CLAUDE ", trim(e.payload.text, TRIM.assistant));
    case "thinking":
      return block(stamp, "THINK  ", trim(e.payload.text, TRIM.thinking));
    case "tool_use":
      return block(stamp, "TOOL   ", `${e.payload.name} ${oneLine(e.payload.input, TRIM.toolInput)}`);
    case "tool_result": {
      const took = e.payload.duration_ms === null ? "" : ` (${formatDuration(e.payload.duration_ms)})`;
      return e.payload.is_error
        ? block(stamp, "ERROR  ", `${e.payload.name} failed${took}:\n${e.payload.content}`)
        : block(
            stamp,
            "RESULT ",
            `${e.payload.name} ok${took}: ${oneLine(e.payload.content, TRIM.toolResult)}`,
          );
    }
    case "system":
      return block(stamp, "SYSTEM ", `${e.payload.subtype}: ${e.payload.message}`);
    case "error":
      return block(stamp, "ERROR  ", `${e.payload.kind}: ${e.payload.message}`);
    case "security":
      return block(
        stamp,
        "DENIED ",
        `${e.payload.tool} ${oneLine(e.payload.command, TRIM.toolInput)}\n${e.payload.reason}`,
      );
    case "result":
      return block(
        stamp,
        "DONE   ",
        `${e.payload.subtype}, ${e.payload.num_turns} turns, $${e.payload.cost_usd.toFixed(4)}${e.payload.text ? `\n${trim(e.payload.text, TRIM.assistant)}` : ""}`,
      );
    case "session_end":
      return block(stamp, "END    ", `${e.payload.status}${e.payload.reason ? `: ${e.payload.reason}` : ""}`);
    case "run_started":
      return block(
        stamp,
        "RUN    ",
        `${e.payload.kind}${e.payload.max_iterations === null ? "" : `, at most ${e.payload.max_iterations} sessions`}${e.payload.sandbox === "none" ? ", THE SANDBOX IS OFF (sandbox.type: none)" : ""}`,
      );
    case "auto_continue":
      return block(stamp, "NEXT   ", `session ${e.payload.next_session} starts in ${e.payload.delay_s}s`);
    case "paused":
      return block(stamp, "PAUSED ", `until ${e.payload.until}: ${e.payload.reason}`);
    case "resumed":
      return block(stamp, "RESUMED", e.payload.reason);
    case "recovered":
      return block(stamp, "RECOVER", `session ${e.payload.session_number}: ${e.payload.reason}`);
    case "project_complete":
      return block(
        stamp,
        "DONE   ",
        `project complete after ${e.payload.sessions} sessions, $${e.payload.cost_usd.toFixed(4)}`,
      );
    case "run_stopped":
      return block(stamp, "STOPPED", `${e.payload.reason}: ${e.payload.message}`);
    case "stop_requested":
      return block(stamp, "STOP   ", `asked: ${e.payload.reason}`);
    case "reset":
      return block(
        stamp,
        "RESET  ",
        `back to right after the initializer: ${e.payload.tasks} tasks, ${e.payload.tests} tests; next session ${e.payload.next_session_number}`,
      );
    case "review_complete":
      return block(
        stamp,
        "REVIEW ",
        `${e.payload.kind} review of session ${e.payload.session_number}: ${e.payload.rating === null ? "no rating" : `${e.payload.rating}/10`}`,
      );
    case "review_failed":
      return block(
        stamp,
        "REVIEW ",
        `${e.payload.kind} review of session ${e.payload.session_number} failed: ${e.payload.message}`,
      );
    case "project_changed":
      return block(stamp, "PROJECT", `${e.payload.change}: ${e.payload.status}`);
    case "project_deleted":
      return block(stamp, "PROJECT", `deleted: ${e.payload.name}`);
    case "plan_added":
      return block(stamp, "PLAN   ", `added ${e.payload.added}: ${planIds(e.payload)}`);
    case "plan_changed":
      return block(stamp, "PLAN   ", `${e.payload.change.replace("_", " ")}: ${planIds(e.payload)}`);
    case "analysis_complete":
      return block(
        stamp,
        "PROMPTS",
        `analysis ${e.payload.analysis_id} ${e.payload.status}: ${e.payload.proposals} proposals`,
      );
    default:
      return assertNever(e, "event type");
  }
}

function planIds(p: { task_ids: number[]; test_ids: number[] }): string {
  return `tasks ${p.task_ids.join(", ") || "-"}, tests ${p.test_ids.join(", ") || "-"}`;
}

export interface SessionSummary {
  status: string;
  reason: string | null;
  duration_ms: number;
  metrics: Record<string, number>;
}

/** The block at the end of the human log. */
export function formatSummary(summary: SessionSummary): string {
  const m = summary.metrics;
  const n = (key: string) => (m[key] ?? 0).toLocaleString("en-US");
  const lines = [
    ["Status", `${summary.status}${summary.reason ? ` (${summary.reason})` : ""}`],
    ["Duration", formatDuration(summary.duration_ms)],
    [
      "Tokens",
      `${n("input_tokens")} in, ${n("output_tokens")} out, ${n("cache_read_tokens")} cache read, ${n("cache_write_tokens")} cache write`,
    ],
    [
      "Cost",
      `$${(m.cost_usd ?? 0).toFixed(4)}${m.cost_per_task_usd === undefined ? "" : `, $${m.cost_per_task_usd.toFixed(4)} a task`}${m.cost_per_passing_test_usd === undefined ? "" : `, $${m.cost_per_passing_test_usd.toFixed(4)} a passing test`}`,
    ],
    ["Tool calls", `${n("tool_calls")} (${n("tool_errors")} errors)`],
    ["Tasks completed", n("tasks_completed")],
    ["Tests passed", n("tests_passed")],
    ["Browser checks", n("browser_verifications")],
  ];
  const width = Math.max(...lines.map(([k]) => (k ?? "").length));
  return [
    "",
    "─".repeat(60),
    "Summary",
    ...lines.map(([k, v]) => `  ${(k ?? "").padEnd(width)}  ${v}`),
    "",
  ].join("\n");
}
