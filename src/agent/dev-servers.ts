/**
 * Dev servers of a session, run by Baton so that the session's browser can reach them.
 *
 * In Claude Code's sandbox on Linux every shell command gets its own network namespace and ends
 * with its command: a server started with `npm run dev &` is gone, or unreachable, by the time the
 * browser looks. So sessions start servers with the `start_dev_server` tool instead. Baton judges
 * the command with the command policy, then runs it in a bubblewrap jail of its own with the OS
 * sandbox's file rules (writes only in the project and a private /tmp, secrets hidden) and no
 * network but a forwarded port: socat listens on 127.0.0.1:PORT on the host and passes each
 * connection through a Unix socket to the server inside. Without the OS sandbox
 * (`sandbox.type: none`) the command runs as it is. Every server carries the session's process
 * mark and ends with the session.
 */
import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  createSdkMcpServer,
  type McpSdkServerConfigWithInstance,
  tool,
} from "@anthropic-ai/claude-agent-sdk";
import { z } from "zod";
import type { Decision } from "../security/decision.ts";
import { BATON_VERSION } from "../version.ts";

export const DEV_SERVER_NAME = "devserver";
/** Permission rule that allows every tool of the dev server MCP server. */
export const DEV_SERVER_ALLOWED_TOOLS = [`mcp__${DEV_SERVER_NAME}`];

/** Inside the jail: forward the socket to the server's port, then become the server's shell. */
const JAIL_SCRIPT =
  'socat UNIX-LISTEN:"$BATON_DEV_SOCKET",fork TCP:127.0.0.1:"$BATON_DEV_PORT" & exec /bin/bash -c "$BATON_DEV_COMMAND"';

export interface JailInput {
  projectDir: string;
  /** A fresh host directory: the jail's /tmp-side home of the socket. */
  socketDir: string;
  /** Files and directories to hide (those that exist). */
  secrets: readonly string[];
}

/** The bubblewrap command line of a jailed dev server (the command itself comes through env). */
export function jailArgs(input: JailInput): string[] {
  const hide = input.secrets
    .filter((p) => existsSync(p))
    .flatMap((p) => (statSync(p).isDirectory() ? ["--tmpfs", p] : ["--ro-bind", "/dev/null", p]));
  return [
    "--die-with-parent",
    "--new-session",
    "--unshare-net",
    "--unshare-pid",
    "--ro-bind",
    "/",
    "/",
    "--dev",
    "/dev",
    "--proc",
    "/proc",
    "--tmpfs",
    "/tmp",
    ...hide,
    "--bind",
    input.projectDir,
    input.projectDir,
    "--bind",
    input.socketDir,
    input.socketDir,
    "--chdir",
    input.projectDir,
    "--setenv",
    "TMPDIR",
    "/tmp",
    "/bin/sh",
    "-c",
    JAIL_SCRIPT,
  ];
}

export interface DevServerDeps {
  projectDir: string;
  /** true: in Baton's bubblewrap jail (OS sandbox); false: as it is (`sandbox.type: none`). */
  jailed: boolean;
  secrets: readonly string[];
  /** The session's environment, with its process mark. */
  env: Record<string, string | undefined>;
  /** Where each server's output goes (`<dir>/dev-server-<port>.log`). */
  logDir: string;
  /** The command policy, with the refusal recorded; called before anything starts. */
  judge: (command: string) => Promise<Decision>;
}

interface Running {
  command: string;
  log: string;
  processes: ChildProcess[];
  socketDir?: string;
  exited: Promise<number | null>;
}

const READY_POLL_MS = 250;
const LOG_TAIL_LINES = 30;

export class DevServers {
  private readonly servers = new Map<number, Running>();

  constructor(private readonly deps: DevServerDeps) {}

  /** The ports of the servers running now (the browser may reach these, see browser-proxy.ts). */
  ports(): ReadonlySet<number> {
    return new Set(this.servers.keys());
  }

  /** Starts `command`, which must serve HTTP on 127.0.0.1:`port`; resolves when it answers, or says why not. */
  async start(command: string, port: number, waitSeconds: number): Promise<{ ok: boolean; text: string }> {
    const decision = await this.deps.judge(command);
    if (!decision.allowed)
      return { ok: false, text: `Baton's command policy refused this command: ${decision.reason}` };
    if (this.servers.has(port)) {
      return {
        ok: false,
        text: `a dev server already runs on port ${port}; stop it first (stop_dev_server)`,
      };
    }
    mkdirSync(this.deps.logDir, { recursive: true });
    const log = join(this.deps.logDir, `dev-server-${port}.log`);
    // The children write their output here; Baton's descriptor is closed once they have it.
    const out = openSync(log, "w");
    const detached: SpawnOptions = { detached: true, stdio: ["ignore", out, out] };
    const running: Running = { command, log, processes: [], exited: Promise.resolve(null) };
    if (this.deps.jailed) {
      const socketDir = mkdtempSync(join(tmpdir(), "baton-dev-"));
      const socket = join(socketDir, "server.sock");
      running.socketDir = socketDir;
      const jail = spawn("bwrap", jailArgs({ ...this.deps, socketDir }), {
        ...detached,
        env: {
          ...this.deps.env,
          BATON_DEV_SOCKET: socket,
          BATON_DEV_PORT: String(port),
          BATON_DEV_COMMAND: command,
        },
      });
      const door = spawn(
        "socat",
        [`TCP-LISTEN:${port},bind=127.0.0.1,fork,reuseaddr`, `UNIX-CONNECT:${socket}`],
        { ...detached, env: this.deps.env },
      );
      running.processes.push(jail, door);
      running.exited = Promise.race([exitOf(jail), exitOf(door)]);
    } else {
      const shell = spawn("/bin/bash", ["-c", command], {
        ...detached,
        cwd: this.deps.projectDir,
        env: this.deps.env,
      });
      running.processes.push(shell);
      running.exited = exitOf(shell);
    }
    closeSync(out);
    this.servers.set(port, running);
    const url = `http://127.0.0.1:${port}/`;
    let ended = false;
    void running.exited.then(() => {
      ended = true;
    });
    const deadline = Date.now() + waitSeconds * 1000;
    while (Date.now() < deadline && !ended) {
      if (await answers(url)) {
        return {
          ok: true,
          text: `the dev server answers at ${url} (output: ${log}); it runs until the session ends or stop_dev_server`,
        };
      }
      await sleep(READY_POLL_MS);
    }
    await this.stop(port);
    const why = ended ? "it exited" : `nothing answered at ${url} within ${waitSeconds} s`;
    return {
      ok: false,
      text: `the dev server did not come up: ${why}. Make it listen on 127.0.0.1 (or 0.0.0.0) port ${port}. Its last output:\n${tail(log)}`,
    };
  }

  logs(port: number): { ok: boolean; text: string } {
    const running = this.servers.get(port);
    if (!running) return { ok: false, text: `no dev server runs on port ${port}${this.list()}` };
    return { ok: true, text: tail(running.log) || "(no output yet)" };
  }

  async stop(port: number): Promise<{ ok: boolean; text: string }> {
    const running = this.servers.get(port);
    if (!running) return { ok: false, text: `no dev server runs on port ${port}${this.list()}` };
    this.servers.delete(port);
    for (const child of running.processes) killGroup(child, "SIGTERM");
    const done = await Promise.race([running.exited.then(() => true), sleep(2_000).then(() => false)]);
    if (!done) for (const child of running.processes) killGroup(child, "SIGKILL");
    for (const child of running.processes) killGroup(child, "SIGKILL");
    if (running.socketDir) rmSync(running.socketDir, { recursive: true, force: true });
    return { ok: true, text: `stopped the dev server on port ${port}` };
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.servers.keys()].map((port) => this.stop(port)));
  }

  private list(): string {
    const ports = [...this.servers.keys()];
    return ports.length === 0 ? "" : ` (running: ${ports.join(", ")})`;
  }
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    child.once("exit", (code) => resolve(code));
    child.once("error", () => resolve(null));
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Whether an HTTP server answers at `url` (any status counts). */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    return false;
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-LOG_TAIL_LINES).join("\n");
  } catch {
    return "";
  }
}

/** The session's dev server tools, in-process. */
export function devServerMcp(servers: DevServers): McpSdkServerConfigWithInstance {
  const port = z.int().min(1024).max(65535).describe("the TCP port the server listens on");
  const reply = (r: { ok: boolean; text: string }) => ({
    content: [{ type: "text" as const, text: r.text }],
    ...(r.ok ? {} : { isError: true }),
  });
  return createSdkMcpServer({
    name: DEV_SERVER_NAME,
    alwaysLoad: true,
    version: BATON_VERSION,
    tools: [
      tool(
        "start_dev_server",
        "Start a long-running server (e.g. `npm run dev -- --host 127.0.0.1 --port 5173`) that the browser tools and later commands can reach at http://127.0.0.1:PORT/. Use this instead of running a server in the background with Bash: background shell commands end with their command and cannot be reached from the browser. The server must listen on 127.0.0.1 (or 0.0.0.0) at `port`; it has no internet access, and it runs until stop_dev_server or the end of the session.",
        {
          command: z
            .string()
            .min(1)
            .describe("the shell command that starts the server, run in the project directory"),
          port,
          wait_seconds: z.int().min(1).max(300).default(60).describe("how long to wait for it to answer"),
        },
        async (args) => reply(await servers.start(args.command, args.port, args.wait_seconds)),
      ),
      tool("dev_server_logs", "The last lines of a dev server's output.", { port }, async (args) =>
        reply(servers.logs(args.port)),
      ),
      tool("stop_dev_server", "Stop a dev server started with start_dev_server.", { port }, async (args) =>
        reply(await servers.stop(args.port)),
      ),
    ],
  });
}
