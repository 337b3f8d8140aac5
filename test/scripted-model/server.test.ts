import Anthropic from "@anthropic-ai/sdk";
import { afterEach, describe, expect, it } from "vitest";
import {
  errorReply,
  estimateInputTokens,
  type Script,
  type ScriptedModel,
  type ScriptedModelOptions,
  startScriptedModel,
  textReply,
  toolUseReply,
} from "../../src/scripted-model/index.ts";

/** The scripted model's HTTP surface, read by the official Anthropic TypeScript client. */

const started: ScriptedModel[] = [];
afterEach(async () => {
  for (const model of started.splice(0)) await model.close();
});

async function serve(script: Script, options?: ScriptedModelOptions) {
  const model = await startScriptedModel(script, options);
  started.push(model);
  const client = new Anthropic({ baseURL: model.url, apiKey: "sk-test-scripted", maxRetries: 0 });
  return { model, client };
}

const question = {
  model: "claude-test-model",
  max_tokens: 1024,
  system: "You answer briefly.",
  messages: [{ role: "user" as const, content: "Say hello." }],
};

const deepInput = {
  path: "src/ünïcode/😀.ts",
  lines: Array.from({ length: 40 }, (_, i) => `line ${i}: "quoted" \\ backslash`),
  nested: { flag: true, count: 3, none: null },
};

describe("the scripted model's Messages API", () => {
  it("answers a plain request with a message the official client reads", async () => {
    const { model, client } = await serve(() => textReply("Hello!"));

    const message = await client.messages.create(question);

    expect(message).toMatchObject({
      type: "message",
      role: "assistant",
      model: "claude-test-model",
      content: [{ type: "text", text: "Hello!" }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: {
        input_tokens: estimateInputTokens(question).total,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
      },
    });
    expect(message.id).toMatch(/^msg_01[A-Za-z0-9]{22}$/);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(model.requests[0]).toMatchObject({ kind: "main", streamed: false, status: 200 });
  });

  it("streams tool calls whose input arrives intact, with stop_reason tool_use", async () => {
    const { client } = await serve(() =>
      toolUseReply(
        [
          { name: "Write", input: deepInput },
          { name: "Bash", input: { command: "ls" } },
        ],
        "Let me look.",
      ),
    );

    const message = await client.messages.stream(question).finalMessage();

    expect(message.stop_reason).toBe("tool_use");
    expect(message.model).toBe("claude-test-model");
    expect(message.content).toEqual([
      { type: "text", text: "Let me look." },
      { type: "tool_use", id: expect.stringMatching(/^toolu_01/), name: "Write", input: deepInput },
      { type: "tool_use", id: expect.stringMatching(/^toolu_01/), name: "Bash", input: { command: "ls" } },
    ]);
    expect(message.usage.input_tokens).toBe(estimateInputTokens(question).total);
    expect(message.usage.output_tokens).toBeGreaterThan(1);
  });

  it("streams the events Anthropic sends, in Anthropic's order", async () => {
    const { model } = await serve(() => ({
      content: [
        { type: "thinking", thinking: "Think first." },
        { type: "text", text: "x".repeat(100) },
      ],
    }));

    const response = await fetch(`${model.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...question, stream: true }),
    });
    const text = await response.text();
    const events = [...text.matchAll(/^event: (.+)$/gm)].map((match) => match[1]);
    const deltas = [...text.matchAll(/"delta":\{"type":"(\w+)"/g)].map((match) => match[1]);

    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(events).toEqual([
      "message_start",
      "ping",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(deltas).toEqual(["thinking_delta", "signature_delta", "text_delta", "text_delta", "text_delta"]);
  });

  it("keeps the stop reason and usage a script sets", async () => {
    const { client } = await serve(() =>
      textReply("cut", { stopReason: "max_tokens", usage: { input_tokens: 7, cache_read_input_tokens: 5 } }),
    );

    const message = await client.messages.stream(question).finalMessage();

    expect(message.stop_reason).toBe("max_tokens");
    expect(message.usage).toMatchObject({ input_tokens: 7, cache_read_input_tokens: 5 });
  });

  it("counts tokens with the same estimate it reports as input usage", async () => {
    const { model, client } = await serve(() => textReply("unused"));
    const tools = [{ name: "ping", description: "Ping.", input_schema: { type: "object" as const } }];

    const counted = await client.messages.countTokens({ ...question, tools });

    expect(counted.input_tokens).toBe(estimateInputTokens({ ...question, tools }).total);
    expect(model.requests[0]).toMatchObject({ kind: "count_tokens", path: "/v1/messages/count_tokens" });
  });

  it("records each request: path, model, streaming, the token split, tools offered and the raw body", async () => {
    const { model, client } = await serve(async () => textReply("ok"));
    const tools = [{ name: "Read", input_schema: { type: "object" as const } }];

    await client.messages.stream({ ...question, tools }).finalMessage();

    const [recorded] = model.requests;
    const split = estimateInputTokens({ ...question, tools });
    expect(recorded).toMatchObject({
      method: "POST",
      path: "/v1/messages",
      kind: "main",
      model: "claude-test-model",
      streamed: true,
      toolNames: ["Read"],
      inputTokens: split,
      status: 200,
    });
    expect(split.system).toBeGreaterThan(0);
    expect(split.total).toBe(split.system + split.tools + split.messages);
    expect(JSON.parse(recorded?.body ?? "")).toMatchObject({ ...question, tools, stream: true });
    expect(recorded?.at).toBeInstanceOf(Date);
  });
});

describe("the scripted model's errors", () => {
  it("answers 429 with retry-after, which the client raises as a RateLimitError", async () => {
    const { client } = await serve(() => errorReply(429, { retryAfterSeconds: 7 }));

    const error = await client.messages.create(question).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const rateLimit = error as InstanceType<typeof Anthropic.RateLimitError>;
    expect(rateLimit.headers.get("retry-after")).toBe("7");
    expect(rateLimit.type).toBe("rate_limit_error");
  });

  it("answers 401 as an authentication error, before any stream starts", async () => {
    const { client } = await serve(() => errorReply(401));

    const error = await client.messages
      .stream(question)
      .finalMessage()
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
  });

  it("answers 529 and 500 with Anthropic's error JSON", async () => {
    const replies = [errorReply(529), errorReply(500, { message: "boom" })];
    const { model } = await serve(() => replies.shift() ?? textReply("done"));
    const post = () =>
      fetch(`${model.url}/v1/messages`, { method: "POST", body: JSON.stringify(question) }).then(
        async (r) => ({
          status: r.status,
          body: await r.json(),
        }),
      );

    expect(await post()).toMatchObject({
      status: 529,
      body: { type: "error", error: { type: "overloaded_error", message: expect.any(String) } },
    });
    expect(await post()).toMatchObject({
      status: 500,
      body: { type: "error", error: { type: "api_error", message: "boom" } },
    });
  });

  it("refuses a body that is not JSON, or has no messages, with a 400", async () => {
    const { model } = await serve(() => textReply("never"));
    const post = (body: string) =>
      fetch(`${model.url}/v1/messages`, { method: "POST", body }).then(async (r) => ({
        status: r.status,
        body: await r.json(),
      }));

    expect(await post("{not json")).toMatchObject({
      status: 400,
      body: {
        type: "error",
        error: { type: "invalid_request_error", message: "request body is not valid JSON" },
      },
    });
    expect(await post(JSON.stringify({ model: "m", max_tokens: 1 }))).toMatchObject({
      status: 400,
      body: { error: { type: "invalid_request_error", message: expect.stringContaining("messages") } },
    });
    expect(model.requests.map((recorded) => recorded.kind)).toEqual(["bad_request", "bad_request"]);
  });

  it("answers routes it does not serve with a 404 and records them", async () => {
    const { model } = await serve(() => textReply("never"));

    const response = await fetch(`${model.url}/v1/models`);

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ type: "error", error: { type: "not_found_error" } });
    expect(model.requests[0]).toMatchObject({ method: "GET", path: "/v1/models", kind: "not_found" });
  });

  it("turns a script that throws into a 500 that tells the client not to retry", async () => {
    const { model } = await serve(() => {
      throw new Error("no step for this");
    });
    const retrying = new Anthropic({ baseURL: model.url, apiKey: "sk-test-scripted", maxRetries: 3 });

    const error = await retrying.messages.create(question).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect((error as Error).message).toContain("no step for this");
    expect(model.requests).toHaveLength(1);
    expect(model.requests[0]?.scriptError).toBe("no step for this");
  });
});

describe("the scripted model's side requests and scripts", () => {
  const titleRequest = {
    ...question,
    output_config: {
      format: {
        type: "json_schema",
        schema: { type: "object", properties: { title: { type: "string" } }, required: ["title"] },
      },
    },
  };

  it("answers a JSON-schema side request itself, with JSON that fits the schema, and keeps it from the script", async () => {
    const seen: number[] = [];
    const { model } = await serve((_request, context) => {
      seen.push(context.index);
      return textReply("main");
    });

    const response = await fetch(`${model.url}/v1/messages`, {
      method: "POST",
      body: JSON.stringify(titleRequest),
    });
    const message = (await response.json()) as { content: Array<{ text: string }> };

    expect(JSON.parse(message.content[0]?.text ?? "")).toEqual({ title: "Scripted session" });
    expect(seen).toEqual([]);
    expect(model.requests[0]?.kind).toBe("side");
  });

  it("lets a script opt in to side requests", async () => {
    const { client } = await serve(() => textReply("main"), {
      sideScript: (_request, context) => textReply(`side #${context.index}`),
    });

    const message = await client.messages.create(titleRequest as Anthropic.MessageCreateParamsNonStreaming);

    expect(message.content).toEqual([{ type: "text", text: "side #0" }]);
  });

  it("swaps scripts with setScript", async () => {
    const { model, client } = await serve(() => textReply("first"));
    model.setScript(async () => textReply("second"));

    const message = await client.messages.create(question);

    expect(message.content).toEqual([{ type: "text", text: "second" }]);
  });
});
