import { describe, expect, it } from "vitest";
import {
  assistantTurns,
  errorReply,
  estimateInputTokens,
  estimateTokens,
  lastToolResult,
  lastToolResults,
  lastUserText,
  MessagesRequest,
  sequence,
  textReply,
  toolUseReply,
} from "../../src/scripted-model/index.ts";

/** The helpers script authors use, on requests shaped like the ones the Claude Code binary sends. */

const conversation = MessagesRequest.parse({
  model: "claude-sonnet-5-5",
  max_tokens: 128000,
  system: [{ type: "text", text: "You are a Claude agent." }],
  tools: [{ name: "Write" }, { name: "Bash" }],
  messages: [
    { role: "user", content: [{ type: "text", text: "Create hello.txt" }] },
    { role: "system", content: "# Environment" },
    { role: "assistant", content: [{ type: "tool_use", id: "toolu_w", name: "Write", input: {} }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_w", content: "File created" }] },
    {
      role: "assistant",
      content: [
        { type: "text", text: "Two at once." },
        { type: "tool_use", id: "toolu_a", name: "Bash", input: { command: "cat hello.txt" } },
        { type: "tool_use", id: "toolu_b", name: "Read", input: { file_path: "missing" } },
      ],
    },
    {
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "toolu_a", content: "hello world", is_error: false },
        {
          type: "tool_result",
          tool_use_id: "toolu_b",
          content: [
            { type: "text", text: "File does not exist." },
            { type: "text", text: "Check the path." },
          ],
          is_error: true,
        },
      ],
    },
  ],
});

describe("reading a request", () => {
  it("finds the last tool results with the names of the tools they answer", () => {
    expect(lastToolResults(conversation)).toEqual([
      { toolUseId: "toolu_a", name: "Bash", text: "hello world", isError: false },
      { toolUseId: "toolu_b", name: "Read", text: "File does not exist.\nCheck the path.", isError: true },
    ]);
    expect(lastToolResult(conversation)?.name).toBe("Read");
  });

  it("finds no tool results when the last message is the prompt", () => {
    const first = { ...conversation, messages: conversation.messages.slice(0, 1) };
    expect(lastToolResults(first)).toEqual([]);
    expect(lastUserText(first)).toBe("Create hello.txt");
  });

  it("counts the assistant turns so far", () => {
    expect(assistantTurns(conversation)).toBe(2);
    expect(assistantTurns({ ...conversation, messages: [] })).toBe(0);
  });
});

describe("building replies", () => {
  it("builds text, tool-call and error replies", () => {
    expect(textReply("hi")).toEqual({ content: [{ type: "text", text: "hi" }] });
    expect(
      toolUseReply(
        [
          { name: "A", input: { x: 1 } },
          { name: "B", input: {} },
        ],
        "Working.",
      ),
    ).toEqual({
      content: [
        { type: "text", text: "Working." },
        { type: "tool_use", name: "A", input: { x: 1 } },
        { type: "tool_use", name: "B", input: {} },
      ],
    });
    expect(errorReply(429, { retryAfterSeconds: 2 })).toEqual({ status: 429, retryAfterSeconds: 2 });
  });
});

describe("sequence", () => {
  it("takes one step per request and ends with the final reply", async () => {
    const context = { kind: "main" as const, index: 0 };
    const script = sequence(
      [
        toolUseReply({ name: "Bash", input: { command: "ls" } }),
        (request) => textReply(`${assistantTurns(request)}`),
      ],
      textReply("the end"),
    );

    expect(await script(conversation, context)).toMatchObject({
      content: [{ type: "tool_use", name: "Bash" }],
    });
    expect(await script(conversation, context)).toEqual(textReply("2"));
    expect(await script(conversation, context)).toEqual(textReply("the end"));
    expect(await script(conversation, context)).toEqual(textReply("the end"));
  });

  it("ends with a short text reply by default", async () => {
    expect(await sequence([])(conversation, { kind: "main", index: 0 })).toEqual(textReply("Done."));
  });
});

describe("the token estimate", () => {
  it("is a quarter of the JSON's characters, rounded up, summed over system, tools and messages", () => {
    expect(estimateTokens("abcdef")).toBe(2); // "\"abcdef\"" is 8 characters
    expect(estimateTokens(undefined)).toBe(0);
    const split = estimateInputTokens(conversation);
    expect(split).toEqual({
      system: Math.ceil(JSON.stringify(conversation.system).length / 4),
      tools: Math.ceil(JSON.stringify(conversation.tools).length / 4),
      messages: Math.ceil(JSON.stringify(conversation.messages).length / 4),
      total: split.system + split.tools + split.messages,
    });
  });
});
