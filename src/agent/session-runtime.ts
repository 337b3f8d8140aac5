/**
 * What one session's tools run in: its processes (on the host or in the project's container), the
 * environment they get, the guard that judges every call (policy, file rules, sandbox), the dev
 * servers, and the browser with the proxy that is its only network. Opened before the SDK query,
 * closed after it: every process the session started ends with it.
 */
import { join } from "node:path";
import type { McpServerConfig, McpSetServersResult } from "@anthropic-ai/claude-agent-sdk";
import { browserLogDir, projectLogDir } from "../logs/session-log.ts";
import type { Project } from "../projects/model.ts";
import { DockerSessionProcesses } from "../security/docker-processes.ts";
import { dockerCli, dockerSandboxConfig } from "../security/docker-sandbox.ts";
import { BROWSER_ALLOWED_TOOLS, BROWSER_SERVER, browserServer } from "./browser.ts";
import { BROWSER_OPENER_SERVER, browserOpener, OPEN_BROWSER_TOOL, type Opened } from "./browser-opener.ts";
import { BrowserProxy } from "./browser-proxy.ts";
import { DEV_SERVER_ALLOWED_TOOLS, DEV_SERVER_NAME, DevServers, devServerMcp } from "./dev-servers.ts";
import { SESSION_MARK_VARIABLE, SessionProcesses } from "./process-group.ts";
import type { AgentDeps } from "./run-session.ts";
import { type SessionEnvironment, sessionEnvironment } from "./session-env.ts";
import { SessionGuard } from "./session-security.ts";
import type { SessionSlot } from "./session-slot.ts";
import type { UsageBuffer } from "./usage-buffer.ts";

const STDERR_LINES_KEPT = 20;

export class SessionRuntime {
  readonly environment: SessionEnvironment;
  readonly processes: SessionProcesses | DockerSessionProcesses;
  readonly guard: SessionGuard;
  readonly devServers: DevServers | null;
  /** Null in the docker sandbox (the browser runs on the host, where a container's servers are out of reach) or without Chromium. */
  readonly browser: { executablePath: string } | null;
  readonly docker: boolean;
  private readonly browserProxy: BrowserProxy | null;
  private readonly stderrLines: string[] = [];
  /** Where the session's logs go: the browser's screenshots go beside them. */
  private readonly logDir: string;
  /** The browser's start, once asked for (a failed start may be asked for again). */
  private opening: Promise<Opened> | null = null;
  private proxyUrl: Promise<string> | null = null;

  constructor(
    deps: AgentDeps,
    project: Project,
    private readonly session: SessionSlot,
    usage: UsageBuffer,
  ) {
    const onStderr = (text: string) => {
      this.stderrLines.push(...text.split("\n").filter(Boolean));
      this.stderrLines.splice(0, Math.max(0, this.stderrLines.length - STDERR_LINES_KEPT));
    };
    // With the docker sandbox, Claude Code (and all it starts) runs in the project's container.
    const docker = deps.security.sandbox.type === "docker" ? deps.security.sandbox : null;
    this.docker = docker !== null;
    // Only what tools need, never Baton's settings; the credential goes over a pipe (not docker).
    this.environment = sessionEnvironment(deps.env, {
      passEnv: deps.security.sandbox.pass_env,
      credentialInEnv: docker !== null,
    });
    const processes = docker
      ? new DockerSessionProcesses(dockerSandboxConfig(docker, project), dockerCli(), onStderr)
      : new SessionProcesses(onStderr, this.environment.credential);
    this.processes = processes;
    this.browser = docker ? null : deps.browser;
    const guard = new SessionGuard(deps.security, project.directory, {
      refused: (record) => session.refused(record, () => usage.add({ denied_commands: 1 })),
    });
    this.logDir = projectLogDir(deps.home, project.id);
    this.guard = guard;
    this.devServers =
      processes instanceof SessionProcesses
        ? new DevServers({
            projectDir: project.directory,
            jailed: guard.jailsDevServers,
            secrets: guard.secretPaths,
            env: { ...this.environment.env, [SESSION_MARK_VARIABLE]: processes.mark },
            logDir: this.logDir,
            judge: (command) => guard.judgeCommand(command, `mcp__${DEV_SERVER_NAME}__start_dev_server`),
          })
        : null;
    // The browser's network: the internet and the session's dev servers, nothing else here.
    this.browserProxy =
      this.browser === null
        ? null
        : new BrowserProxy({
            localPorts: () => this.devServers?.ports() ?? new Set(),
            refused: (destination, why) => {
              const record = {
                tool: "browser",
                command: destination,
                allowed: false,
                reason: why,
                by: "sandbox" as const,
              };
              session
                .refused(record, () => usage.add({ denied_commands: 1 }))
                .catch((err: unknown) =>
                  deps.log.warn(
                    { err, session_id: session.get().id },
                    "refused browser request not recorded",
                  ),
                );
            },
          });
  }

  /** The last lines Claude Code wrote on stderr (for a failure's message). */
  stderr(): readonly string[] {
    return this.stderrLines;
  }

  /**
   * The session's MCP servers: `base` (the task server), the dev servers and the browser's opener,
   * with the tools they add. The browser itself starts only when the session calls
   * `mcp__browser__open`: then `connect` hands Claude Code the whole set plus the browser server
   * (the SDK's setMcpServers replaces every in-process server, so the set must be complete).
   */
  toolServers(
    base: Record<string, McpServerConfig>,
    connect: (servers: Record<string, McpServerConfig>) => Promise<McpSetServersResult>,
  ): { servers: Record<string, McpServerConfig>; allowedTools: string[] } {
    const servers: Record<string, McpServerConfig> = { ...base };
    if (this.devServers !== null) servers[DEV_SERVER_NAME] = devServerMcp(this.devServers);
    if (this.browser !== null) {
      servers[BROWSER_OPENER_SERVER] = browserOpener(() => this.openBrowser(servers, connect));
    }
    return {
      servers,
      allowedTools: [
        ...(this.browser === null ? [] : [OPEN_BROWSER_TOOL, ...BROWSER_ALLOWED_TOOLS]),
        ...(this.devServers === null ? [] : DEV_SERVER_ALLOWED_TOOLS),
      ],
    };
  }

  private openBrowser(
    servers: Record<string, McpServerConfig>,
    connect: (servers: Record<string, McpServerConfig>) => Promise<McpSetServersResult>,
  ): Promise<Opened> {
    this.opening ??= (async (): Promise<Opened> => {
      const { browser, browserProxy } = this;
      if (browser === null || browserProxy === null)
        return { ok: false, text: "This session has no browser." };
      let error: string | undefined;
      try {
        this.proxyUrl ??= browserProxy.start();
        const proxyServer = await this.proxyUrl;
        const result = await connect({
          ...servers,
          [BROWSER_SERVER]: browserServer({
            executablePath: browser.executablePath,
            outputDir: join(this.logDir, browserLogDir(this.session.get().stem)),
            proxyServer,
          }),
        });
        error = result.errors[BROWSER_SERVER];
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
      if (error !== undefined) {
        this.opening = null;
        return { ok: false, text: `The browser did not start: ${error}. Try again, or verify without it.` };
      }
      return {
        ok: true,
        text: "The browser is open: the mcp__playwright__browser_* tools are available. Pages reach the internet and this session's dev servers (http://127.0.0.1:PORT/).",
      };
    })();
    return this.opening;
  }

  /** Ends every process the session started, its dev servers and the browser's proxy. */
  async close(): Promise<void> {
    await this.devServers?.stopAll();
    await this.processes.endAll();
    await this.browserProxy?.close();
  }
}
