/**
 * What keeps a session from damaging the machine, put together for one session: the command
 * policy on every Bash call, path containment on the file tools (both as pre-tool hooks, so a
 * refused call never runs), the OS sandbox around every shell command, and the record of every
 * refusal (a `security` event, counted on the session, a DENIED line in the log).
 */
import { homedir } from "node:os";
import type {
  HookCallbackMatcher,
  HookEvent,
  HookInput,
  SandboxSettings,
  SyncHookJSONOutput,
} from "@anthropic-ai/claude-agent-sdk";
import type { Config } from "../config/schema.ts";
import { resolveDatabaseTarget } from "../db/url.ts";
import type { EventPayload } from "../events/catalog.ts";
import type { Decision } from "../security/decision.ts";
import { toHostPath } from "../security/docker-sandbox.ts";
import { decideFileAccess } from "../security/file-access.ts";
import { defuseRepositoryConfig } from "../security/host-git.ts";
import { osSandboxSettings, SANDBOX_PLACEHOLDERS, sandboxRefusal } from "../security/sandbox.ts";
import { secretPaths } from "../security/secret-paths.ts";
import { ensureIdentity, excludeFromGit } from "../util/git.ts";
import { BROWSER_TOOL_PREFIX } from "./browser.ts";
import { type CommandPolicy, commandPolicy } from "./command-policy.ts";

/** The security settings sessions run with (from `security.*` and `sandbox.*`). */
export interface SessionSecurity {
  policy: CommandPolicy;
  sandbox: Config["sandbox"];
  /** Baton's data directory: sessions may not read it. */
  batonHome: string;
  /** The user's home directory, whose credentials sessions may not read. */
  home: string;
  /** Baton's SQLite database and its journals, when they lie outside its home (none for PostgreSQL). */
  databaseFiles: readonly string[];
}

/** Builds the session security of a config (loads the bash grammar once). */
export async function sessionSecurity(
  config: Config,
  batonHome: string,
  home = homedir(),
): Promise<SessionSecurity> {
  const target = resolveDatabaseTarget(config.database.url, { home: batonHome, cwd: process.cwd() });
  const databaseFiles =
    target.dialect === "sqlite" && target.path !== ":memory:"
      ? ["", "-wal", "-shm", "-journal"].map((suffix) => `${target.path}${suffix}`)
      : [];
  return { policy: await commandPolicy(config), sandbox: config.sandbox, batonHome, home, databaseFiles };
}

/** The tools whose calls are judged before they run. */
/** The tools whose paths the file rules judge: Claude Code's file tools and the browser's (uploads, saved output). */
const FILE_TOOLS = [
  "Read",
  "Write",
  "Edit",
  "MultiEdit",
  "NotebookEdit",
  "Glob",
  "Grep",
  `${BROWSER_TOOL_PREFIX}.*`,
];

export type SecurityRecord = EventPayload<"security">;

export interface GuardSink {
  /** Records a refusal (a `security` event) and counts it on the session. */
  refused(record: SecurityRecord): Promise<void>;
}

/** One session's guard: hooks and sandbox settings for the SDK, and the check of each shell result. */
export class SessionGuard {
  private readonly secrets: string[];

  constructor(
    private readonly security: SessionSecurity,
    private readonly projectDir: string,
    private readonly sink: GuardSink,
  ) {
    this.secrets = secretPaths({
      projectDir,
      home: security.home,
      batonHome: security.batonHome,
      extra: security.databaseFiles,
    });
  }

  /** The sandbox block of the SDK options; undefined when commands run unconfined or in docker. */
  sandboxSettings(): SandboxSettings | undefined {
    const { sandbox } = this.security;
    if (sandbox.type !== "os") return undefined;
    return osSandboxSettings({
      projectDir: this.projectDir,
      home: this.security.home,
      batonHome: this.security.batonHome,
      extra: this.security.databaseFiles,
      allowedDomains: sandbox.allowed_domains,
    });
  }

  /**
   * Before the session starts: settings of the project's git that would run programs on this
   * machine (planted by an earlier session) are removed and the removal recorded; in a
   * container, the project's git needs an identity of its own; under the OS sandbox, it ignores
   * the placeholders the sandbox puts in the project.
   */
  async prepare(): Promise<void> {
    const removed = await defuseRepositoryConfig(this.projectDir);
    if (removed.length > 0) {
      await this.sink.refused({
        tool: "git",
        command: `.git/config: ${removed.join(", ")}`,
        allowed: false,
        reason: `Baton removed settings from the project's git config that would run programs on this machine when Baton runs git: ${removed.join(", ")}`,
        by: "host",
      });
    }
    if (this.security.sandbox.type === "docker") await ensureIdentity(this.projectDir, "local");
    if (this.security.sandbox.type !== "os") return;
    excludeFromGit(
      this.projectDir,
      SANDBOX_PLACEHOLDERS,
      "Baton: placeholders Claude Code's sandbox puts in the project while a command runs",
    );
  }

  /** What the session should be told about its confinement (recorded at its start). */
  warnings(): string[] {
    return this.security.sandbox.type === "none"
      ? [
          "sandbox.type is none: shell commands run unconfined, with only the command policy between them and this machine (set sandbox.type: os)",
        ]
      : [];
  }

  hooks(): Partial<Record<HookEvent, HookCallbackMatcher[]>> {
    return {
      PreToolUse: [
        { matcher: "Bash", hooks: [(input) => this.judge(input, "command")] },
        { matcher: FILE_TOOLS.join("|"), hooks: [(input) => this.judge(input, "file")] },
      ],
    };
  }

  /** After a Bash call: records what the sandbox refused while it ran, if anything. */
  async checkShellResult(tool: string, input: unknown, output: string): Promise<void> {
    if (tool !== "Bash" || this.security.sandbox.type !== "os") return;
    const refusal = sandboxRefusal(output, this.secrets);
    if (refusal === null) return;
    await this.sink.refused({
      tool,
      command: commandOf(input),
      allowed: false,
      reason: refusal,
      by: "sandbox",
    });
  }

  /** File tool input as the host sees it: in the docker sandbox, `/workspace/…` is the project. */
  private onHost(input: unknown): unknown {
    if (this.security.sandbox.type !== "docker" || typeof input !== "object" || input === null) return input;
    return Object.fromEntries(
      Object.entries(input).map(([k, v]) => [k, typeof v === "string" ? toHostPath(v, this.projectDir) : v]),
    );
  }

  /** Whether the dev servers of this session run in Baton's bubblewrap jail (OS sandbox). */
  get jailsDevServers(): boolean {
    return this.security.sandbox.type === "os";
  }

  /** The secrets of this session (absolute paths). */
  get secretPaths(): readonly string[] {
    return this.secrets;
  }

  /** The command policy's decision on `command`, a refusal recorded as coming from `tool`. */
  async judgeCommand(command: string, tool: string): Promise<Decision> {
    const decision = this.security.policy.decide(command, this.projectDir, this.secrets);
    if (!decision.allowed) {
      await this.sink.refused({
        tool,
        command,
        allowed: false,
        reason: decision.reason,
        by: "command_policy",
      });
    }
    return decision;
  }

  private async judge(input: HookInput, kind: "command" | "file"): Promise<SyncHookJSONOutput> {
    if (input.hook_event_name !== "PreToolUse") return {};
    let decision: Decision;
    if (kind === "command") {
      decision = await this.judgeCommand(commandOf(input.tool_input), input.tool_name);
    } else {
      decision = decideFileAccess(input.tool_name, this.onHost(input.tool_input), {
        projectDir: this.projectDir,
        secrets: this.secrets,
        home: this.security.home,
      });
      if (!decision.allowed) {
        await this.sink.refused({
          tool: input.tool_name,
          command: targetOf(input.tool_input),
          allowed: false,
          reason: decision.reason,
          by: "file_access",
        });
      }
    }
    if (decision.allowed) return {};
    const who = kind === "command" ? "Baton's command policy" : "Baton's file access rules";
    return {
      hookSpecificOutput: {
        hookEventName: "PreToolUse",
        permissionDecision: "deny",
        permissionDecisionReason: `${who} refused this ${kind === "command" ? "command" : "call"}: ${decision.reason}`,
      },
    };
  }
}

function commandOf(input: unknown): string {
  return String((input as { command?: unknown } | undefined)?.command ?? "");
}

/** The path a file tool call is about, for the record. */
function targetOf(input: unknown): string {
  const i = (input ?? {}) as Record<string, unknown>;
  const target = i.file_path ?? i.notebook_path ?? i.path ?? i.pattern;
  return typeof target === "string" ? target : JSON.stringify(input);
}
