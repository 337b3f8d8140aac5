import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import {
  createSdkMcpServer,
  type Options,
  query,
  type SDKMessage,
  tool,
} from "@anthropic-ai/claude-agent-sdk";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  errorReply,
  lastToolResult,
  lastToolResults,
  type ScriptedModel,
  sequence,
  startScriptedModel,
  textReply,
  toolUseReply,
} from "../../src/scripted-model/index.ts";

/** The real Claude Agent SDK and its Claude Code binary, run offline against the scripted model. */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function model(...args: Parameters<typeof startScriptedModel>): Promise<ScriptedModel> {
  const started = await startScriptedModel(...args);
  cleanups.push(() => started.close());
  return started;
}

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-scripted-"));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * An HTTP(S) proxy that lets nothing through and notes what it was asked for: given to the
 * binary as HTTPS_PROXY/HTTP_PROXY, it shows (and stops) any connection not to the scripted model.
 */
async function refusingProxy(): Promise<{ env: Record<string, string>; attempts: string[] }> {
  const attempts: string[] = [];
  const proxy = http.createServer((req, res) => {
    attempts.push(`${req.method} ${req.url}`);
    res.writeHead(502).end();
  });
  proxy.on("connect", (req, socket) => {
    attempts.push(`CONNECT ${req.url}`);
    socket.on("error", () => {});
    socket.end("HTTP/1.1 502 Bad Gateway\r\n\r\n");
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise<void>((resolve) => proxy.close(() => resolve())));
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  return { env: { HTTPS_PROXY: url, HTTP_PROXY: url, NO_PROXY: "127.0.0.1,localhost" }, attempts };
}

/** The options every session here uses: offline, no settings files, only the listed tools approved. */
function sessionOptions(scripted: ScriptedModel, cwd: string, allowedTools: string[]): Options {
  return {
    cwd,
    model: "sonnet",
    env: { ...process.env, ...scripted.env() },
    allowedTools,
    permissionMode: "dontAsk",
    settingSources: [],
    persistSession: false,
  };
}

async function run(prompt: string, options: Options): Promise<{ messages: SDKMessage[]; ms: number }> {
  const started = performance.now();
  const messages: SDKMessage[] = [];
  for await (const message of query({ prompt, options })) messages.push(message);
  return { messages, ms: Math.round(performance.now() - started) };
}

function resultOf(messages: SDKMessage[]) {
  const result = messages.find((message) => message.type === "result");
  if (result?.type !== "result") throw new Error("the session ended without a result message");
  return result;
}

describe("the real Claude Agent SDK against the scripted model", () => {
  it("writes a file, runs Bash on it, and answers with what the Bash tool returned", async () => {
    const cwd = tempDir();
    const scripted = await model(
      sequence([
        toolUseReply({
          name: "Write",
          input: { file_path: path.join(cwd, "hello.txt"), content: "hello world\n" },
        }),
        toolUseReply({ name: "Bash", input: { command: "cat hello.txt", description: "Show hello.txt" } }),
        (request) => textReply(`The file says: ${lastToolResult(request)?.text}`),
      ]),
    );

    const proxy = await refusingProxy();
    const options = sessionOptions(scripted, cwd, ["Write", "Bash"]);
    const { messages, ms } = await run("Create hello.txt, then show it.", {
      ...options,
      env: { ...options.env, ...proxy.env },
    });
    console.log(`one scripted session (3 model turns, Write + Bash): ${ms} ms`);

    expect(fs.readFileSync(path.join(cwd, "hello.txt"), "utf8")).toBe("hello world\n");
    const result = resultOf(messages);
    expect(result.subtype).toBe("success");
    expect(result.is_error).toBe(false);
    expect(result.subtype === "success" ? result.result : "").toBe("The file says: hello world");

    // Only the conversation's three turns reached the model, and nothing tried to leave the machine.
    expect(scripted.requests.map((recorded) => recorded.kind)).toEqual(["main", "main", "main"]);
    expect(proxy.attempts).toEqual([]);
    const main = scripted.requests.filter((recorded) => recorded.kind === "main");
    expect(main.every((recorded) => recorded.streamed && recorded.status === 200)).toBe(true);
    expect(main[0]?.toolNames).toEqual(expect.arrayContaining(["Write", "Bash"]));
    const last = main.at(-1)?.request;
    if (last === undefined) throw new Error("no main request was recorded");
    expect(lastToolResults(last)).toEqual([
      { toolUseId: expect.stringMatching(/^toolu_/), name: "Bash", text: "hello world", isError: false },
    ]);
  });

  it("calls an in-process MCP tool as mcp__tasks__ping and gets its result in the next request", async () => {
    const pings: string[] = [];
    const tasks = createSdkMcpServer({
      name: "tasks",
      // Without it the binary defers MCP tools behind ToolSearch: not in `tools`, only named in a reminder.
      alwaysLoad: true,
      tools: [
        tool(
          "ping",
          "Answers pong with the message it was given.",
          { message: z.string() },
          async ({ message }) => {
            pings.push(message);
            return { content: [{ type: "text", text: `pong: ${message}` }] };
          },
        ),
      ],
    });
    const scripted = await model(
      sequence([
        toolUseReply({ name: "mcp__tasks__ping", input: { message: "baton" } }),
        (request) => textReply(`The tool said: ${lastToolResult(request)?.text}`),
      ]),
    );

    const options = { ...sessionOptions(scripted, tempDir(), ["mcp__tasks__ping"]), mcpServers: { tasks } };
    const { messages } = await run("Ping the tasks server.", options);

    expect(scripted.requests[0]?.toolNames).toContain("mcp__tasks__ping");
    expect(pings).toEqual(["baton"]);
    expect(resultOf(messages).subtype).toBe("success");
    const last = scripted.requests.at(-1)?.request;
    if (last === undefined) throw new Error("no request was recorded");
    expect(lastToolResult(last)).toMatchObject({
      name: "mcp__tasks__ping",
      text: "pong: baton",
      isError: false,
    });
  });

  it("answers the session-title side request itself, out of the script's sight, when non-essential traffic is on", async () => {
    const kinds: string[] = [];
    const scripted = await model((_request, context) => {
      kinds.push(context.kind);
      return textReply("Hello.");
    });
    const proxy = await refusingProxy();
    const options = sessionOptions(scripted, tempDir(), []);
    // Its undeliverable telemetry is saved under the config dir: keep that out of ~/.claude.
    const env: Record<string, string | undefined> = {
      ...options.env,
      ...proxy.env,
      CLAUDE_CONFIG_DIR: tempDir(),
    };
    delete env.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC;

    const { messages } = await run("Say hello.", { ...options, env });

    expect(resultOf(messages).subtype).toBe("success");
    expect(kinds).toEqual(["main"]);
    const side = scripted.requests.filter((recorded) => recorded.kind === "side");
    expect(side).toHaveLength(1);
    expect(side[0]?.request?.output_config).toMatchObject({ format: { type: "json_schema" } });
    expect(side[0]?.body).toContain("You are naming a coding session");
    // Without the flag the binary also tries to reach Anthropic directly; the proxy stopped it.
    expect(proxy.attempts).toContain("CONNECT api.anthropic.com:443");
  });

  it("waits out a 429's retry-after, retries, and reports the retry as an api_retry message", async () => {
    const scripted = await model(
      sequence([errorReply(429, { retryAfterSeconds: 1 }), textReply("After the pause.")]),
    );

    const { messages } = await run("Say something.", sessionOptions(scripted, tempDir(), []));

    const result = resultOf(messages);
    expect(result.subtype === "success" ? result.result : "").toBe("After the pause.");
    expect(messages).toContainEqual(
      expect.objectContaining({ type: "system", subtype: "api_retry", error_status: 429 }),
    );
    const [limited, retried] = scripted.requests;
    expect([limited?.status, retried?.status]).toEqual([429, 200]);
    expect((retried?.at.getTime() ?? 0) - (limited?.at.getTime() ?? 0)).toBeGreaterThanOrEqual(1000);
  });
});
