import {
  createSdkMcpServer,
  type McpSdkServerConfigWithInstance,
  tool,
} from "@anthropic-ai/claude-agent-sdk";
import { BATON_VERSION } from "../version.ts";

/** The in-process server of the one tool that starts a session's browser: `mcp__browser__open`. */
export const BROWSER_OPENER_SERVER = "browser";
export const OPEN_BROWSER_TOOL = `mcp__${BROWSER_OPENER_SERVER}__open`;

/** What opening the browser answered: the text the model reads, and whether it worked. */
export interface Opened {
  ok: boolean;
  text: string;
}

/**
 * The browser's ~25 tool definitions cost about 4,700 tokens in every model request, and its
 * server about 100 MB, though most sessions never use it. Sessions get this one small tool instead;
 * calling it starts the browser server and adds its tools to the session from the next request on.
 */
export function browserOpener(open: () => Promise<Opened>): McpSdkServerConfigWithInstance {
  return createSdkMcpServer({
    name: BROWSER_OPENER_SERVER,
    alwaysLoad: true,
    version: BATON_VERSION,
    tools: [
      tool(
        "open",
        "Starts a headless Chromium for checking UI work; then the mcp__playwright__browser_* tools (navigate, snapshot, click, type, take_screenshot, …) are available.",
        {},
        async () => {
          const opened = await open();
          return {
            content: [{ type: "text" as const, text: opened.text }],
            ...(opened.ok ? {} : { isError: true }),
          };
        },
      ),
    ],
  });
}
