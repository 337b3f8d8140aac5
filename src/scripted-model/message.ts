import { assertNever } from "../util/assert-never.ts";
import { type MessageReply, newId, type StopReason } from "./reply.ts";
import { estimateTokens } from "./tokens.ts";

/** A content block as the API returns it (ids and signatures filled in). */
export type MessageBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> }
  | { type: "thinking"; thinking: string; signature: string };

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

/** An Anthropic Messages API `message` object. */
export interface Message {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: MessageBlock[];
  stop_reason: StopReason;
  stop_sequence: null;
  usage: Usage;
}

/**
 * Turns a script's reply into the message the API answers with: generated ids, the stop reason
 * (`tool_use` when a tool is called, else `end_turn`, unless the reply says), the model echoed
 * from the request, and usage from the estimates unless the reply overrides them.
 */
export function buildMessage(reply: MessageReply, model: string, inputTokens: number): Message {
  const content = reply.content.map(completeBlock);
  const callsTool = content.some((block) => block.type === "tool_use");
  return {
    id: newId("msg"),
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: reply.stopReason ?? (callsTool ? "tool_use" : "end_turn"),
    stop_sequence: null,
    usage: {
      input_tokens: inputTokens,
      output_tokens: estimateTokens(content),
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
      ...reply.usage,
    },
  };
}

function completeBlock(block: MessageReply["content"][number]): MessageBlock {
  switch (block.type) {
    case "text":
      return { type: "text", text: block.text };
    case "tool_use":
      return { type: "tool_use", id: block.id ?? newId("toolu"), name: block.name, input: block.input };
    case "thinking":
      return {
        type: "thinking",
        thinking: block.thinking,
        signature: block.signature ?? Buffer.from(`scripted:${block.thinking.length}`).toString("base64"),
      };
    default:
      return assertNever(block, "reply block");
  }
}
