import type { SDKMessage } from "@anthropic-ai/claude-agent-sdk";
import { describe, expect, it } from "vitest";
import { MessageMapper, TOOL_RESULT_MAX_CHARS } from "../../src/agent/message-mapper.ts";

const assistant = (id: string, content: unknown[], usage = { input_tokens: 100, output_tokens: 20 }) =>
  ({ type: "assistant", message: { id, content, usage }, parent_tool_use_id: null }) as unknown as SDKMessage;
const user = (content: unknown[]) =>
  ({ type: "user", message: { role: "user", content }, parent_tool_use_id: null }) as unknown as SDKMessage;

describe("turning SDK messages into events", () => {
  it("maps text, thinking, tool calls and their results, timing each call", () => {
    let now = 1_000;
    const mapper = new MessageMapper(() => now);
    const a = mapper.map(
      assistant("msg_1", [
        { type: "thinking", thinking: "plan it" },
        { type: "text", text: "Let me look." },
        { type: "tool_use", id: "toolu_1", name: "Bash", input: { command: "ls" } },
        {
          type: "tool_use",
          id: "toolu_2",
          name: "mcp__playwright__browser_navigate",
          input: { url: "http://x" },
        },
      ]),
    );
    expect(a.events.map((e) => e.type)).toEqual(["thinking", "assistant_text", "tool_use", "tool_use"]);
    expect(a.usage).toEqual({
      input_tokens: 100,
      output_tokens: 20,
      cache_read_tokens: 0,
      cache_write_tokens: 0,
      tool_calls: 2,
      browser_verifications: 1,
    });
    now = 1_750;
    const r = mapper.map(
      user([
        { type: "tool_result", tool_use_id: "toolu_1", content: "a.txt\nb.txt" },
        {
          type: "tool_result",
          tool_use_id: "toolu_2",
          content: [{ type: "text", text: "boom" }],
          is_error: true,
        },
      ]),
    );
    expect(r.events).toEqual([
      {
        type: "tool_result",
        payload: {
          tool_use_id: "toolu_1",
          name: "Bash",
          is_error: false,
          content: "a.txt\nb.txt",
          duration_ms: 750,
        },
      },
      {
        type: "tool_result",
        payload: {
          tool_use_id: "toolu_2",
          name: "mcp__playwright__browser_navigate",
          is_error: true,
          content: "boom",
          duration_ms: 750,
        },
      },
    ]);
    expect(r.usage).toEqual({ tool_errors: 1 });
  });

  it("counts a model response's tokens once although the SDK repeats them per content block", () => {
    const mapper = new MessageMapper();
    const first = mapper.map(assistant("msg_1", [{ type: "text", text: "one" }]));
    const second = mapper.map(assistant("msg_1", [{ type: "tool_use", id: "t", name: "Read", input: {} }]));
    expect(first.usage.input_tokens).toBe(100);
    expect(second.usage).toEqual({ tool_calls: 1 });
  });

  it("takes the SDK's final totals as authoritative, adding only what was missed", () => {
    const mapper = new MessageMapper();
    mapper.map(assistant("msg_1", [{ type: "text", text: "x" }]));
    const done = mapper.map({
      type: "result",
      subtype: "success",
      is_error: false,
      num_turns: 3,
      duration_ms: 1200,
      duration_api_ms: 900,
      total_cost_usd: 0.0123,
      result: "All done.",
      usage: {
        input_tokens: 250,
        output_tokens: 20,
        cache_read_input_tokens: 40,
        cache_creation_input_tokens: 0,
      },
      modelUsage: {},
      permission_denials: [],
    } as unknown as SDKMessage);
    expect(done.usage).toEqual({ cost_usd: 0.0123, input_tokens: 150, cache_read_tokens: 40 });
    expect(done.events[0]).toMatchObject({
      type: "result",
      payload: { subtype: "success", num_turns: 3, text: "All done." },
    });
    expect(done.result).toBeDefined();
  });

  it("keeps long tool results to a bounded size and names non-text blocks", () => {
    const mapper = new MessageMapper();
    mapper.map(assistant("m", [{ type: "tool_use", id: "t1", name: "Read", input: {} }]));
    const big = "x".repeat(TOOL_RESULT_MAX_CHARS + 500);
    const r = mapper.map(
      user([
        { type: "tool_result", tool_use_id: "t1", content: [{ type: "text", text: big }, { type: "image" }] },
      ]),
    );
    const content = (r.events[0]?.payload as { content: string } | undefined)?.content ?? "";
    expect(content.length).toBeLessThan(TOOL_RESULT_MAX_CHARS + 100);
    expect(content).toContain("more characters]");
  });

  it("records the init, retry and model-error messages as system and error events", () => {
    const mapper = new MessageMapper();
    const init = mapper.map({
      type: "system",
      subtype: "init",
      claude_code_version: "2.1.0",
      model: "sonnet",
      tools: ["Bash", "mcp__tasks__get_next_task"],
      mcp_servers: [{ name: "tasks", status: "connected" }],
      apiKeySource: "ANTHROPIC_API_KEY",
      permissionMode: "dontAsk",
    } as unknown as SDKMessage);
    expect(init.events[0]?.payload).toMatchObject({ subtype: "init" });
    expect((init.events[0]?.payload as { message: string } | undefined)?.message).toContain(
      "tasks (connected)",
    );
    const retry = mapper.map({
      type: "system",
      subtype: "api_retry",
      attempt: 1,
      max_retries: 10,
      retry_delay_ms: 2000,
      error_status: 429,
      error: "rate_limit",
    } as unknown as SDKMessage);
    expect((retry.events[0]?.payload as { message: string } | undefined)?.message).toBe(
      "model request failed (429); retry 1 of 10 in 2s",
    );
    const failed = mapper.map({
      ...(assistant("m2", []) as object),
      error: "authentication_failed",
    } as SDKMessage);
    expect(failed.events).toEqual([
      {
        type: "error",
        payload: {
          kind: "authentication_failed",
          message: "the model service reported authentication_failed",
        },
      },
    ]);
  });
});
