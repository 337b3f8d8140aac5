import type { Readable, Writable } from "node:stream";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { BATON_VERSION } from "../version.ts";
import type { TaskToolContext } from "./tool.ts";
import { TASK_SERVER_NAME } from "./tool.ts";
import { callTaskTool, TASK_TOOLS, toCallToolResult } from "./tools.ts";

/** The server name clients see; tools are called `mcp__tasks__<tool>` in Claude Code. */
export { TASK_SERVER_NAME } from "./tool.ts";

/** An MCP server exposing every task tool of one project; each call goes through callTaskTool. */
export function createTaskServer(ctx: TaskToolContext): McpServer {
  const server = new McpServer({ name: TASK_SERVER_NAME, version: BATON_VERSION });
  for (const tool of TASK_TOOLS) {
    server.registerTool(tool.name, { description: tool.description, inputSchema: tool.input }, async (args) =>
      toCallToolResult(await callTaskTool(tool.name, args, ctx)),
    );
  }
  return server;
}

export interface StdioOptions {
  stdin?: Readable;
  stdout?: Writable;
  /** Aborting it closes the server (the CLI wires SIGTERM and SIGINT to it). */
  signal?: AbortSignal;
}

/**
 * Serves the task tools over stdio until the client closes stdin, the transport closes, or `signal`
 * aborts. Only MCP messages are written to stdout.
 */
export async function serveTaskToolsOverStdio(
  ctx: TaskToolContext,
  options: StdioOptions = {},
): Promise<void> {
  const stdin = options.stdin ?? process.stdin;
  const server = createTaskServer(ctx);
  const transport = new StdioServerTransport(stdin, options.stdout ?? process.stdout);
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = resolve;
  });
  const close = () => void server.close();
  stdin.once("end", close);
  options.signal?.addEventListener("abort", close, { once: true });
  try {
    if (options.signal?.aborted) return;
    await server.connect(transport);
    await closed;
  } finally {
    stdin.off("end", close);
    options.signal?.removeEventListener("abort", close);
  }
}
