import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { McpStdioServerConfig } from "@anthropic-ai/claude-agent-sdk";

/** The browser's MCP server name: the model calls `mcp__playwright__browser_*`. */
export const BROWSER_SERVER = "playwright";
/** Every call of one of these tools counts as a browser verification. */
export const BROWSER_TOOL_PREFIX = `mcp__${BROWSER_SERVER}__browser_`;

/**
 * The browser tools a session may call, each one reviewed: they drive and read the page, and the
 * file rules judge the files they name (uploads and drops only from the project, output saved
 * only inside it). A tool a newer Playwright adds is refused until it is reviewed and listed here.
 */
const REVIEWED_TOOLS = [
  "click",
  "close",
  "console_messages",
  "drag",
  "drop",
  "emulate_media",
  "evaluate",
  "file_upload",
  "fill_form",
  "find",
  "handle_dialog",
  "hover",
  "navigate",
  "navigate_back",
  "network_request",
  "network_requests",
  "press_key",
  "resize",
  "select_option",
  "snapshot",
  "tabs",
  "take_screenshot",
  "type",
  "wait_for",
];
export const BROWSER_ALLOWED_TOOLS = REVIEWED_TOOLS.map((name) => `${BROWSER_TOOL_PREFIX}${name}`);

/**
 * Never offered: `browser_run_code_unsafe` runs JavaScript in the browser server's own process,
 * which is on the host, outside every sandbox (it could read and write any file of yours).
 */
export const BROWSER_WITHHELD_TOOLS = [`${BROWSER_TOOL_PREFIX}run_code_unsafe`];

const CHROMIUM_CANDIDATES = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
];

/** The system Chromium (or Chrome), or null when none is installed. */
export function findChromium(candidates: readonly string[] = CHROMIUM_CANDIDATES): string | null {
  return candidates.find((path) => existsSync(path)) ?? null;
}

/**
 * The Playwright MCP server for one session: headless system Chromium, a fresh in-memory profile
 * per session, screenshots and traces kept in `outputDir`. Its tools are offered directly (not
 * behind tool search): coding sessions verify their UI work with them.
 */
export function browserServer(options: {
  executablePath: string;
  outputDir: string;
  /** Every request of the browser goes through this proxy (browser-proxy.ts), loopback too. */
  proxyServer: string;
}): McpStdioServerConfig {
  const cli = join(createRequire(import.meta.url).resolve("@playwright/mcp/package.json"), "..", "cli.js");
  return {
    type: "stdio",
    command: process.execPath,
    args: [
      cli,
      "--headless",
      "--browser=chromium",
      `--executable-path=${options.executablePath}`,
      "--isolated",
      // Chromium's own sandbox cannot start as root or inside Baton's OS sandbox.
      "--no-sandbox",
      `--output-dir=${options.outputDir}`,
      `--proxy-server=${options.proxyServer}`,
      // Pages may not add tools of their own (WebMCP): a page's words are not the session's tools.
      "--no-webmcp",
    ],
    alwaysLoad: true,
  };
}
