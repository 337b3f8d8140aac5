import type { MessageReply } from "./reply.ts";
import { textReply } from "./reply.ts";
import type { MessagesRequest } from "./request.ts";

/**
 * Telling the agent's conversation from the binary's side requests.
 *
 * Observed with the Claude Agent SDK 0.3.331 (Claude Code 2.1.331), logging every request:
 * - With CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 (see env.ts) a session makes only its
 *   conversation requests: `POST /v1/messages?beta=true`, streamed, one per model turn. No
 *   count_tokens, no HEAD/GET probes, no connection anywhere but the base URL (checked with strace).
 * - Without it, each session also asks for a session title: a streamed request to the session's
 *   model with no tools, a system prompt starting "You are naming a coding session", and
 *   `output_config.format` = a JSON schema `{ title: string }`; and the binary tries to reach
 *   api.anthropic.com:443 directly (telemetry), whatever the base URL.
 * - The conversation itself never sets `output_config.format`: the SDK's `outputFormat` option
 *   becomes a `StructuredOutput` tool. A session started with `tools: []` offers no tools at all,
 *   so "offers tools" cannot be the test.
 * Hence: a request asking for JSON-schema output is a side request; everything else is main.
 */
export function isMainRequest(request: MessagesRequest): boolean {
  return outputSchema(request) === undefined;
}

/**
 * The default answer to a side request: a JSON value that fits the requested schema (for the
 * title request: `{"title":"Scripted session"}`), or a short text.
 */
export function sideReply(request: MessagesRequest): MessageReply {
  const schema = outputSchema(request);
  return textReply(schema === undefined ? "OK" : JSON.stringify(sampleOf(schema)));
}

function outputSchema(request: MessagesRequest): unknown {
  const config = request.output_config;
  if (typeof config !== "object" || config === null) return undefined;
  const format = (config as { format?: { type?: unknown; schema?: unknown } }).format;
  return format?.type === "json_schema" ? (format.schema ?? {}) : undefined;
}

/** The plainest value a JSON schema accepts: every property filled, strings say "Scripted session". */
export function sampleOf(schema: unknown): unknown {
  if (typeof schema !== "object" || schema === null) return null;
  const s = schema as {
    type?: unknown;
    const?: unknown;
    enum?: unknown[];
    properties?: Record<string, unknown>;
    anyOf?: unknown[];
  };
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if (Array.isArray(s.anyOf) && s.anyOf.length > 0) return sampleOf(s.anyOf[0]);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case "string":
      return "Scripted session";
    case "number":
    case "integer":
      return 0;
    case "boolean":
      return false;
    case "array":
      return [];
    case "null":
      return null;
    default: {
      const properties = Object.entries(s.properties ?? {});
      return Object.fromEntries(properties.map(([key, value]) => [key, sampleOf(value)]));
    }
  }
}
