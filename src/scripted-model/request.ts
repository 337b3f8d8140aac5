import { z } from "zod";

/**
 * The body of `POST /v1/messages` (and `/v1/messages/count_tokens`) as the scripted model reads it.
 * Only what the server relies on is checked; every other field is kept as sent (loose objects),
 * since the Claude Code binary sends beta fields (cache_control, context_management, …).
 */
export const RequestContentBlock = z.looseObject({ type: z.string() });
export type RequestContentBlock = z.infer<typeof RequestContentBlock>;

export const RequestMessage = z.looseObject({
  role: z.enum(["user", "assistant", "system"]),
  content: z.union([z.string(), z.array(RequestContentBlock)]),
});
export type RequestMessage = z.infer<typeof RequestMessage>;

export const RequestTool = z.looseObject({ name: z.string() });
export type RequestTool = z.infer<typeof RequestTool>;

export const MessagesRequest = z.looseObject({
  model: z.string(),
  messages: z.array(RequestMessage),
  system: z.union([z.string(), z.array(RequestContentBlock)]).optional(),
  tools: z.array(RequestTool).optional(),
  stream: z.boolean().optional(),
  max_tokens: z.number().optional(),
});
export type MessagesRequest = z.infer<typeof MessagesRequest>;

export type ParsedBody = { ok: true; request: MessagesRequest } | { ok: false; message: string };

/** Parses a raw body; the message of a failure is what the 400 answer says. */
export function parseMessagesRequest(raw: string): ParsedBody {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, message: "request body is not valid JSON" };
  }
  const parsed = MessagesRequest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "body";
    return { ok: false, message: `${where}: ${issue?.message ?? "invalid request"}` };
  }
  return { ok: true, request: parsed.data };
}

/** The blocks of a message, whether its content is a string or a block list. */
export function contentBlocks(message: RequestMessage): RequestContentBlock[] {
  return typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
}

/** The text of a content value (a string, or the text blocks of a list joined by newlines). */
export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter((block): block is { type: "text"; text: string } => isTextBlock(block))
    .map((block) => block.text)
    .join("\n");
}

function isTextBlock(block: unknown): block is { type: "text"; text: string } {
  return (
    typeof block === "object" &&
    block !== null &&
    (block as { type?: unknown }).type === "text" &&
    typeof (block as { text?: unknown }).text === "string"
  );
}
