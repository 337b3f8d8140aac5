/**
 * A bounded excerpt of a session for its deep review: what matters to judge it, within a
 * character budget. Sections in order of importance, each with its own share of the budget: the
 * task worked on, tool errors and refused commands (with the call that caused them), failing test
 * results, the outline of every tool call, the model's last words and the session's end. When a
 * section has more than its share, both its first and its last items are kept.
 */
import type { EventPayload } from "../events/catalog.ts";
import type { SessionEvent } from "../sessions/model.ts";
import { TASK_SERVER_NAME } from "../tasks/tool.ts";

/** The default budget of an excerpt, in characters. */
export const EXCERPT_CHARS = 12_000;

/** Each section's share of the budget (they add up to 1). */
const SHARES = {
  task: 0.15,
  problems: 0.3,
  failing: 0.1,
  outline: 0.2,
  last_words: 0.15,
  end: 0.1,
} as const;

const ITEM_CHARS = { input: 160, error: 500, text: 700 } as const;

type ToolUse = EventPayload<"tool_use">;
type ToolResult = EventPayload<"tool_result">;

export function clip(text: string, max: number): string {
  const flat = text.trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}… [${flat.length - max + 1} more characters]`;
}

function oneLine(value: unknown, max: number): string {
  const text = typeof value === "string" ? value : JSON.stringify(value ?? null);
  return clip(text.replace(/\s+/g, " "), max);
}

/** Items that fit in `budget` characters: from both ends when they do not all fit, the gap said. */
export function fitItems(items: readonly string[], budget: number): string[] {
  const total = items.reduce((n, item) => n + item.length + 1, 0);
  if (total <= budget) return [...items];
  const head: string[] = [];
  const tail: string[] = [];
  let used = 0;
  let i = 0;
  let j = items.length - 1;
  // Alternate ends, newest first: the end of a session says most about how it went.
  for (let fromEnd = true; i <= j; fromEnd = !fromEnd) {
    const item = fromEnd ? items[j] : items[i];
    if (item === undefined || used + item.length + 1 > budget) break;
    used += item.length + 1;
    if (fromEnd) {
      tail.unshift(item);
      j--;
    } else {
      head.push(item);
      i++;
    }
  }
  const skipped = j - i + 1;
  return skipped > 0 ? [...head, `… ${skipped} more omitted …`, ...tail] : [...head, ...tail];
}

function section(title: string, items: readonly string[], budget: number): string {
  if (items.length === 0) return "";
  return `### ${title}\n${fitItems(items, budget).join("\n")}\n`;
}

/** The excerpt of a session's events, at most about `budget` characters, as markdown. */
export function sessionExcerpt(events: readonly SessionEvent[], budget = EXCERPT_CHARS): string {
  const calls = new Map<string, ToolUse>();
  const task: string[] = [];
  const problems: string[] = [];
  const failing: string[] = [];
  const outline: string[] = [];
  const texts: string[] = [];
  const end: string[] = [];
  /** What the model last said: the context of an error or a refusal that follows it. */
  let said: string | null = null;
  const context = () => {
    const text = said === null ? "" : `\n  (it had said: ${oneLine(said, ITEM_CHARS.input)})`;
    said = null;
    return text;
  };
  const nextTask = `mcp__${TASK_SERVER_NAME}__get_next_task`;
  const testResult = `mcp__${TASK_SERVER_NAME}__update_test_result`;

  for (const event of events) {
    switch (event.type) {
      case "tool_use": {
        const p = event.payload as ToolUse;
        calls.set(p.tool_use_id, p);
        outline.push(`- #${event.seq} ${p.name} ${oneLine(p.input, ITEM_CHARS.input)}`);
        if (p.name === testResult && (p.input as { passes?: unknown } | null)?.passes === false) {
          failing.push(`- ${oneLine(p.input, ITEM_CHARS.error)}`);
        }
        break;
      }
      case "tool_result": {
        const p = event.payload as ToolResult;
        if (p.name === nextTask && !p.is_error && task.length === 0)
          task.push(clip(p.content, ITEM_CHARS.text * 2));
        if (p.is_error) {
          const call = calls.get(p.tool_use_id);
          problems.push(
            `- tool error, #${event.seq} ${p.name} ${oneLine(call?.input, ITEM_CHARS.input)}\n  → ${oneLine(p.content, ITEM_CHARS.error)}${context()}`,
          );
        }
        break;
      }
      case "security": {
        const p = event.payload as EventPayload<"security">;
        if (!p.allowed) {
          problems.push(
            `- refused (${p.by ?? "policy"}), #${event.seq} ${p.tool} ${oneLine(p.command, ITEM_CHARS.input)}\n  → ${oneLine(p.reason, ITEM_CHARS.error)}${context()}`,
          );
        }
        break;
      }
      case "error": {
        const p = event.payload as EventPayload<"error">;
        problems.push(`- session error (${p.kind}), #${event.seq}: ${oneLine(p.message, ITEM_CHARS.error)}`);
        break;
      }
      case "assistant_text": {
        const { text } = event.payload as EventPayload<"assistant_text">;
        said = text;
        texts.push(`- #${event.seq} ${clip(text, ITEM_CHARS.text)}`);
        break;
      }
      case "result": {
        const p = event.payload as EventPayload<"result">;
        end.push(
          `- result: ${p.subtype}, ${p.num_turns} turns, $${p.cost_usd.toFixed(4)}${p.text ? `\n  ${clip(p.text, ITEM_CHARS.text)}` : ""}`,
        );
        break;
      }
      case "session_end": {
        const p = event.payload as EventPayload<"session_end">;
        end.push(`- ended ${p.status}${p.reason ? `: ${oneLine(p.reason, ITEM_CHARS.error)}` : ""}`);
        break;
      }
    }
  }

  const share = (key: keyof typeof SHARES) => Math.floor(budget * SHARES[key]);
  const parts = [
    section("The task it was given (get_next_task)", task, share("task")),
    section("Tool errors, refused commands and session errors", problems, share("problems")),
    section("Tests recorded as failing", failing, share("failing")),
    section(`Every tool call (${outline.length})`, outline, share("outline")),
    section("The model's last words", texts.slice(-8), share("last_words")),
    section("How it ended", end, share("end")),
  ].filter((part) => part !== "");
  return parts.length > 0 ? parts.join("\n") : "(the session recorded no events)";
}
