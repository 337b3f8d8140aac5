import {
  createSdkMcpServer,
  type McpSdkServerConfigWithInstance,
  tool,
} from "@anthropic-ai/claude-agent-sdk";
import {
  callTaskTool,
  TASK_SERVER_NAME,
  TASK_TOOLS,
  type TaskToolContext,
  toCallToolResult,
} from "../tasks/tools.ts";
import { BATON_VERSION } from "../version.ts";

/** Baton's task tools served in-process to one session, scoped to its project and session. */
export function taskServer(ctx: TaskToolContext): McpSdkServerConfigWithInstance {
  return createSdkMcpServer({
    name: TASK_SERVER_NAME,
    // Offer the tools directly instead of behind tool search: sessions use them on every turn.
    alwaysLoad: true,
    version: BATON_VERSION,
    tools: TASK_TOOLS.map((t) =>
      tool(t.name, t.description, t.input, async (args) =>
        toCallToolResult(await callTaskTool(t.name, args, ctx)),
      ),
    ),
  });
}
