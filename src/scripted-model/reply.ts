import { randomBytes } from "node:crypto";
import type { MessagesRequest } from "./request.ts";

/** What a script answers with: a message (content blocks) or an API error. */
export type Reply = MessageReply | ErrorReply;

export type StopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "pause_turn" | "refusal";

export type ReplyBlock =
  | { type: "text"; text: string }
  /** `id` is generated (`toolu_…`) when left out. */
  | { type: "tool_use"; id?: string; name: string; input: Record<string, unknown> }
  /** `signature` is generated when left out; the binary sends thinking blocks back as it got them. */
  | { type: "thinking"; thinking: string; signature?: string };

export interface UsageOverride {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

export interface MessageReply {
  content: ReplyBlock[];
  /** Defaults to `tool_use` when the content holds a tool_use block, else `end_turn`. */
  stopReason?: StopReason;
  /** Replaces the estimated figures it names. */
  usage?: UsageOverride;
}

export type ErrorStatus = 400 | 401 | 403 | 404 | 413 | 429 | 500 | 529;

export interface ErrorReply {
  status: ErrorStatus;
  /** Defaults to a plain message naming the status. */
  message?: string;
  /** Sent as the `retry-after` header (seconds). */
  retryAfterSeconds?: number;
  /** Sent as the `x-should-retry` header, which Anthropic clients obey over their own rules. */
  shouldRetry?: boolean;
}

/** Facts about the request beside its body. */
export interface ScriptContext {
  /** Whether the request is the agent's own conversation or a side request (see side-requests.ts). */
  kind: "main" | "side";
  /** 0-based position of this request among the requests of its kind. */
  index: number;
}

/** A programmable model: a function of the request. */
export type Script = (request: MessagesRequest, context: ScriptContext) => Reply | Promise<Reply>;

export function isErrorReply(reply: Reply): reply is ErrorReply {
  return "status" in reply;
}

/** A reply made of one text block. */
export function textReply(text: string, options: Omit<MessageReply, "content"> = {}): MessageReply {
  return { ...options, content: [{ type: "text", text }] };
}

export interface ToolCall {
  name: string;
  input: Record<string, unknown>;
  id?: string;
}

/** A reply that calls one tool, or several in one turn; `text` (optional) comes first, as models do. */
export function toolUseReply(calls: ToolCall | ToolCall[], text?: string): MessageReply {
  const list = Array.isArray(calls) ? calls : [calls];
  const content: ReplyBlock[] = text === undefined ? [] : [{ type: "text", text }];
  for (const call of list) content.push({ type: "tool_use", ...call });
  return { content };
}

/** An API error reply: `errorReply(429, { retryAfterSeconds: 1 })`, `errorReply(529)`, `errorReply(401)`. */
export function errorReply(status: ErrorStatus, options: Omit<ErrorReply, "status"> = {}): ErrorReply {
  return { status, ...options };
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** An id in Anthropic's style: prefix, "01", then 22 random base-62 characters. */
export function newId(prefix: "msg" | "toolu" | "req"): string {
  const bytes = randomBytes(22);
  let tail = "";
  for (const byte of bytes) tail += ALPHABET[byte % ALPHABET.length];
  return `${prefix}_01${tail}`;
}
