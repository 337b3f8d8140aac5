/**
 * What one session's tools run in: its processes (on the host or in the project's container), the
 * environment they get, the guard that judges every call (policy, file rules, sandbox), the dev
 * servers, and the browser with the proxy that is its only network. Opened before the SDK query,
 * closed after it: every process the session started ends with it.
 */
import { join } from "node:path";
import type { McpServerConfig } from "@anthropic-ai/claude-agent-sdk";
import type { SessionRecorder } from "../events/recorder.ts";
import { browserLogDir } from "../logs/session-log.ts";
import type { Project } from "../projects/model.ts";
import { DockerSessionProcesses } from "../security/docker-processes.ts";
import { dockerCli, dockerSandboxConfig } from "../security/docker-sandbox.ts";
import { BROWSER_ALLOWED_TOOLS, BROWSER_SERVER, browserServer } from "./browser.ts";
import { BrowserProxy } from "./browser-proxy.ts";
import { DEV_SERVER_ALLOWED_TOOLS, DEV_SERVER_NAME, DevServers, devServerMcp } from "./dev-servers.ts";
import { SESSION_MARK_VARIABLE, SessionProcesses } from "./process-group.ts";
import type { AgentDeps } from "./run-session.ts";
import { type SessionEnvironment, sessionEnvironment } from "./session-env.ts";
import { SessionGuard } from "./session-security.ts";
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
  private readonly stem: string;

  constructor(
    deps: AgentDeps,
    project: Project,
    session: { id: number; recorder: SessionRecorder; logDir: string; stem: string },
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
      refused: async (record) => {
        usage.add({ denied_commands: 1 });
        await session.recorder.record("security", record);
      },
    });
    this.guard = guard;
    this.devServers =
      processes instanceof SessionProcesses
        ? new DevServers({
            projectDir: project.directory,
            jailed: guard.jailsDevServers,
            secrets: guard.secretPaths,
            env: { ...this.environment.env, [SESSION_MARK_VARIABLE]: processes.mark },
            logDir: session.logDir,
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
              usage.add({ denied_commands: 1 });
              void session.recorder
                .record("security", {
                  tool: "browser",
                  command: destination,
                  allowed: false,
                  reason: why,
                  by: "sandbox",
                })
                .catch((err: unknown) =>
                  deps.log.warn({ err, session_id: session.id }, "refused browser request not recorded"),
                );
            },
          });
    this.logDir = session.logDir;
    this.stem = session.stem;
  }

  /** The last lines Claude Code wrote on stderr (for a failure's message). */
  stderr(): readonly string[] {
    return this.stderrLines;
  }

  /** The MCP servers of the browser and the dev servers, and the tools they add (starts the browser's proxy). */
  async toolServers(): Promise<{ servers: Record<string, McpServerConfig>; allowedTools: string[] }> {
    const proxyServer = this.browserProxy === null ? null : await this.browserProxy.start();
    const servers: Record<string, McpServerConfig> = {};
    if (this.browser !== null && proxyServer !== null) {
      servers[BROWSER_SERVER] = browserServer({
        executablePath: this.browser.executablePath,
        outputDir: join(this.logDir, browserLogDir(this.stem)),
        proxyServer,
      });
    }
    if (this.devServers !== null) servers[DEV_SERVER_NAME] = devServerMcp(this.devServers);
    return {
      servers,
      allowedTools: [
        ...(this.browser === null ? [] : BROWSER_ALLOWED_TOOLS),
        ...(this.devServers === null ? [] : DEV_SERVER_ALLOWED_TOOLS),
      ],
    };
  }

  /** Ends every process the session started, its dev servers and the browser's proxy. */
  async close(): Promise<void> {
    await this.devServers?.stopAll();
    await this.processes.endAll();
    await this.browserProxy?.close();
  }
}
