import type { SDKMessage, SDKResultMessage } from "@anthropic-ai/claude-agent-sdk";
import type { EventPayload, EventType } from "../events/catalog.ts";
import type { UsageDelta } from "../sessions/model.ts";
import { BROWSER_TOOL_PREFIX } from "./browser.ts";

/** Tool results are stored up to this many characters (the human log trims further). */
export const TOOL_RESULT_MAX_CHARS = 20_000;

export type MappedEvent = { [T in EventType]: { type: T; payload: EventPayload<T> } }[EventType];

export interface Mapped {
  events: MappedEvent[];
  usage: UsageDelta;
  /** The SDK's final message, when this was it. */
  result?: SDKResultMessage;
}

interface ContentBlock {
  type: string;
  text?: string;
  thinking?: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: unknown;
  is_error?: boolean;
}

interface TokenUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

function blocksOf(content: unknown): ContentBlock[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return Array.isArray(content) ? (content as ContentBlock[]) : [];
}

/** A tool result's content as text: strings joined, images and other blocks named. */
export function toolResultText(content: unknown): string {
  const text = blocksOf(content)
    .map((b) => (b.type === "text" ? (b.text ?? "") : `[${b.type}]`))
    .join("\n");
  return text.length > TOOL_RESULT_MAX_CHARS
    ? `${text.slice(0, TOOL_RESULT_MAX_CHARS)}… [${text.length - TOOL_RESULT_MAX_CHARS} more characters]`
    : text;
}

function tokens(
  usage: TokenUsage | undefined,
): Required<Pick<UsageDelta, "input_tokens" | "output_tokens" | "cache_read_tokens" | "cache_write_tokens">> {
  return {
    input_tokens: usage?.input_tokens ?? 0,
    output_tokens: usage?.output_tokens ?? 0,
    cache_read_tokens: usage?.cache_read_input_tokens ?? 0,
    cache_write_tokens: usage?.cache_creation_input_tokens ?? 0,
  };
}

/**
 * Turns the SDK's messages into Baton events and usage, keeping what it needs across messages:
 * which tool each result answers (and when it was called), and which model responses were
 * already counted (the SDK repeats a response's usage on each of its content blocks).
 */
export class MessageMapper {
  private readonly calls = new Map<string, { name: string; at: number }>();
  private readonly countedResponses = new Set<string>();
  /** Token totals counted so far, to reconcile with the SDK's final figures. */
  readonly counted = { input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0 };

  constructor(private readonly now: () => number = Date.now) {}

  map(message: SDKMessage): Mapped {
    switch (message.type) {
      case "assistant":
        return this.assistant(
          message.message as { id?: string; content: unknown; usage?: TokenUsage },
          message.error,
        );
      case "user":
        return this.user(message.message.content);
      case "result":
        return this.result(message);
      case "system":
        return this.system(message as { subtype: string } & Record<string, unknown>);
      case "rate_limit_event":
        return {
          events: [
            {
              type: "system",
              payload: {
                subtype: "rate_limit",
                message: "rate limit information",
                data: message.rate_limit_info,
              },
            },
          ],
          usage: {},
        };
      default:
        return { events: [], usage: {} };
    }
  }

  private assistant(message: { id?: string; content: unknown; usage?: TokenUsage }, error: unknown): Mapped {
    const events: MappedEvent[] = [];
    const usage: UsageDelta = {};
    if (message.id && !this.countedResponses.has(message.id)) {
      this.countedResponses.add(message.id);
      const t = tokens(message.usage);
      Object.assign(usage, t);
      for (const key of Object.keys(t) as (keyof typeof t)[]) this.counted[key] += t[key];
    }
    for (const block of blocksOf(message.content)) {
      if (block.type === "text" && block.text?.trim()) {
        events.push({ type: "assistant_text", payload: { text: block.text } });
      } else if (block.type === "thinking" && block.thinking?.trim()) {
        events.push({ type: "thinking", payload: { text: block.thinking } });
      } else if (block.type === "tool_use" && block.id && block.name) {
        this.calls.set(block.id, { name: block.name, at: this.now() });
        events.push({
          type: "tool_use",
          payload: { tool_use_id: block.id, name: block.name, input: block.input ?? {} },
        });
        usage.tool_calls = (usage.tool_calls ?? 0) + 1;
        if (block.name.startsWith(BROWSER_TOOL_PREFIX)) {
          usage.browser_verifications = (usage.browser_verifications ?? 0) + 1;
        }
      }
    }
    if (error !== undefined && error !== null) {
      events.push({
        type: "error",
        payload: { kind: String(error), message: `the model service reported ${String(error)}` },
      });
    }
    return { events, usage };
  }

  private user(content: unknown): Mapped {
    const events: MappedEvent[] = [];
    const usage: UsageDelta = {};
    for (const block of blocksOf(content)) {
      if (block.type !== "tool_result" || !block.tool_use_id) continue;
      const call = this.calls.get(block.tool_use_id);
      const isError = block.is_error === true;
      events.push({
        type: "tool_result",
        payload: {
          tool_use_id: block.tool_use_id,
          name: call?.name ?? "unknown",
          is_error: isError,
          content: toolResultText(block.content),
          duration_ms: call ? this.now() - call.at : null,
        },
      });
      if (isError) usage.tool_errors = (usage.tool_errors ?? 0) + 1;
    }
    return { events, usage };
  }

  private result(message: SDKResultMessage): Mapped {
    const final = tokens(message.usage);
    // The SDK's totals are authoritative: add whatever the per-response counting missed.
    const usage: UsageDelta = { cost_usd: message.total_cost_usd };
    for (const key of Object.keys(final) as (keyof typeof final)[]) {
      const missing = final[key] - this.counted[key];
      if (missing > 0) {
        usage[key] = missing;
        this.counted[key] += missing;
      }
    }
    const text = message.subtype === "success" ? message.result : message.errors.join("\n");
    return {
      events: [
        {
          type: "result",
          payload: {
            subtype: message.subtype,
            is_error: message.is_error,
            num_turns: message.num_turns,
            duration_ms: message.duration_ms,
            cost_usd: message.total_cost_usd,
            usage: final,
            text: text || null,
          },
        },
      ],
      usage,
      result: message,
    };
  }

  private system(message: { subtype: string } & Record<string, unknown>): Mapped {
    switch (message.subtype) {
      case "init": {
        const servers = (message.mcp_servers as { name: string; status: string }[] | undefined) ?? [];
        const tools = (message.tools as string[] | undefined) ?? [];
        return {
          events: [
            {
              type: "system",
              payload: {
                subtype: "init",
                message: `Claude Code ${String(message.claude_code_version)}, model ${String(message.model)}, ${tools.length} tools, MCP servers: ${servers.map((s) => `${s.name} (${s.status})`).join(", ") || "none"}, credentials from ${String(message.apiKeySource)}`,
                data: {
                  tools,
                  mcp_servers: servers,
                  api_key_source: message.apiKeySource,
                  permission_mode: message.permissionMode,
                },
              },
            },
          ],
          usage: {},
        };
      }
      case "api_retry":
        return {
          events: [
            {
              type: "system",
              payload: {
                subtype: "api_retry",
                message: `model request failed (${String(message.error_status ?? message.error)}); retry ${String(message.attempt)} of ${String(message.max_retries)} in ${Math.round(Number(message.retry_delay_ms) / 1000)}s`,
                data: {
                  status: message.error_status,
                  error: message.error,
                  retry_delay_ms: message.retry_delay_ms,
                },
              },
            },
          ],
          usage: {},
        };
      case "compact_boundary":
        return {
          events: [
            {
              type: "system",
              payload: {
                subtype: "compact",
                message: "the conversation was compacted",
                data: message.compact_metadata,
              },
            },
          ],
          usage: {},
        };
      case "permission_denied":
        return {
          events: [
            {
              type: "system",
              payload: {
                subtype: "permission_denied",
                message: `${String(message.tool_name)}: ${String(message.message)}`,
              },
            },
          ],
          usage: {},
        };
      default:
        return { events: [], usage: {} };
    }
  }
}
