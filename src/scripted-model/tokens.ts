import type { MessagesRequest } from "./request.ts";

/**
 * The scripted model's one token estimate: a quarter of the characters of a value's JSON, rounded
 * up (nothing counts 0). Deterministic, so tests and benchmarks can predict usage figures; it is
 * not a tokenizer and makes no claim to match Claude's counts.
 */
export function estimateTokens(value: unknown): number {
  if (value === undefined) return 0;
  return Math.ceil(JSON.stringify(value).length / 4);
}

export interface InputTokens {
  system: number;
  tools: number;
  messages: number;
  total: number;
}

/** The input estimate of a request, split into its parts; `total` is what count_tokens answers. */
export function estimateInputTokens(
  request: Pick<MessagesRequest, "system" | "tools" | "messages">,
): InputTokens {
  const system = estimateTokens(request.system);
  const tools = estimateTokens(request.tools);
  const messages = estimateTokens(request.messages);
  return { system, tools, messages, total: system + tools + messages };
}
