import type {
  HookCallbackMatcher,
  HookEvent,
  McpServerConfig,
  Options,
} from "@anthropic-ai/claude-agent-sdk";
import { TASK_SERVER_NAME, TASK_TOOLS } from "../tasks/tools.ts";

/** Claude Code's built-in tools a session may use. Web tools are left out: sessions build, they don't browse. */
export const BUILTIN_TOOLS = [
  "Read",
  "Write",
  "Edit",
  "Glob",
  "Grep",
  "Bash",
  "BashOutput",
  "KillShell",
  "TodoWrite",
];

export function taskToolNames(): string[] {
  return TASK_TOOLS.map((t) => `mcp__${TASK_SERVER_NAME}__${t.name}`);
}

export interface SessionOptionsInput {
  cwd: string;
  model: string;
  systemPrompt: string;
  env: Record<string, string | undefined>;
  mcpServers: Record<string, McpServerConfig>;
  /** Tool names the extra MCP servers expose that the session may call (e.g. browser tools). */
  extraAllowedTools?: string[];
  /** Tool names of the extra MCP servers that are never offered to the model. */
  withheldTools?: string[];
  abortController: AbortController;
  maxTurns?: number;
  hooks?: Partial<Record<HookEvent, HookCallbackMatcher[]>>;
  stderr?: (text: string) => void;
  /** Starts the Claude Code process (Baton runs it in its own process group). */
  spawn?: Options["spawnClaudeCodeProcess"];
  /** The OS sandbox Bash commands run in; absent: none. */
  sandbox?: Options["sandbox"];
}

/**
 * The SDK options of one session. Tools are pre-approved by name and everything else is refused
 * without asking (`dontAsk`): no session waits for a person, and none runs with permissions
 * bypassed. User and project Claude Code settings are not read, so a session behaves the same on
 * every machine.
 */
export function sessionOptions(input: SessionOptionsInput): Options {
  const allowed = [...BUILTIN_TOOLS, ...taskToolNames(), ...(input.extraAllowedTools ?? [])];
  return {
    cwd: input.cwd,
    model: input.model,
    systemPrompt: { type: "preset", preset: "claude_code", append: input.systemPrompt },
    tools: BUILTIN_TOOLS,
    allowedTools: allowed,
    ...(input.withheldTools === undefined ? {} : { disallowedTools: input.withheldTools }),
    permissionMode: "dontAsk",
    settingSources: [],
    mcpServers: input.mcpServers,
    env: input.env,
    abortController: input.abortController,
    persistSession: false,
    // The bundled Claude Code reads MCP server settings from its first stdin message, so their
    // env and headers never show on its command line (readable by every user of the machine).
    mcpServersDelivery: "initialize",
    ...(input.maxTurns === undefined ? {} : { maxTurns: input.maxTurns }),
    ...(input.hooks === undefined ? {} : { hooks: input.hooks }),
    ...(input.stderr === undefined ? {} : { stderr: input.stderr }),
    ...(input.spawn === undefined ? {} : { spawnClaudeCodeProcess: input.spawn }),
    ...(input.sandbox === undefined ? {} : { sandbox: input.sandbox }),
  };
}
