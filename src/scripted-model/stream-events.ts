import { assertNever } from "../util/assert-never.ts";
import type { Message, MessageBlock } from "./message.ts";

/** One server-sent event of a streamed Messages API answer. */
export interface StreamEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Text, thinking and tool input are cut into deltas of this many characters, as a real stream is. */
const CHUNK = 48;

/**
 * The events Anthropic streams for a message, in order: message_start (empty content, input usage),
 * ping, then per block content_block_start / content_block_delta… / content_block_stop, then
 * message_delta (stop reason and cumulative usage) and message_stop.
 */
export function messageEvents(message: Message): StreamEvent[] {
  const events: StreamEvent[] = [
    {
      event: "message_start",
      data: {
        type: "message_start",
        message: {
          ...message,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...message.usage, output_tokens: 1 },
        },
      },
    },
    { event: "ping", data: { type: "ping" } },
  ];
  message.content.forEach((block, index) => {
    events.push({
      event: "content_block_start",
      data: { type: "content_block_start", index, content_block: emptyOf(block) },
    });
    for (const delta of deltasOf(block)) {
      events.push({ event: "content_block_delta", data: { type: "content_block_delta", index, delta } });
    }
    events.push({ event: "content_block_stop", data: { type: "content_block_stop", index } });
  });
  events.push(
    {
      event: "message_delta",
      data: {
        type: "message_delta",
        delta: { stop_reason: message.stop_reason, stop_sequence: null },
        usage: message.usage,
      },
    },
    { event: "message_stop", data: { type: "message_stop" } },
  );
  return events;
}

/** The wire form of one event. */
export function formatEvent({ event, data }: StreamEvent): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function emptyOf(block: MessageBlock): Record<string, unknown> {
  switch (block.type) {
    case "text":
      return { type: "text", text: "" };
    case "tool_use":
      return { type: "tool_use", id: block.id, name: block.name, input: {} };
    case "thinking":
      return { type: "thinking", thinking: "", signature: "" };
    default:
      return assertNever(block, "message block");
  }
}

function deltasOf(block: MessageBlock): Record<string, unknown>[] {
  switch (block.type) {
    case "text":
      return chunks(block.text).map((text) => ({ type: "text_delta", text }));
    case "tool_use":
      return chunks(JSON.stringify(block.input)).map((partial_json) => ({
        type: "input_json_delta",
        partial_json,
      }));
    case "thinking":
      return [
        ...chunks(block.thinking).map((thinking) => ({ type: "thinking_delta", thinking })),
        { type: "signature_delta", signature: block.signature },
      ];
    default:
      return assertNever(block, "message block");
  }
}

/** Cuts a string into CHUNK-sized pieces on code point boundaries (never splits a surrogate pair). */
function chunks(text: string): string[] {
  const points = Array.from(text);
  const pieces: string[] = [];
  for (let at = 0; at < points.length; at += CHUNK) pieces.push(points.slice(at, at + CHUNK).join(""));
  return pieces;
}
