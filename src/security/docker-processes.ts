/**
 * The processes of a session in the docker sandbox: the SDK's spawn hook that runs Claude Code in
 * the project's container (`docker exec`), and ending them with the session. The container itself
 * and the docker commands are docker-sandbox.ts's.
 */
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { EventEmitter } from "node:events";
import { PassThrough } from "node:stream";
import type { SpawnedProcess, SpawnOptions } from "@anthropic-ai/claude-agent-sdk";
import {
  type DockerRunner,
  type DockerSandboxConfig,
  ensureContainer,
  execArgs,
  failed,
  NO_SUCH,
  stopContainerArgs,
} from "./docker-sandbox.ts";

/**
 * What the SDK gets back from the spawn hook: the container is made sure of asynchronously (an
 * image pull may take minutes, which must not block Baton's event loop), so this stands for the
 * `docker exec` process until it starts. What the SDK writes meanwhile waits in `stdin`; a kill
 * before the exec starts ends it without starting it.
 */
export class ContainerProcess extends EventEmitter implements SpawnedProcess {
  readonly stdin = new PassThrough();
  readonly stdout = new PassThrough();
  killed = false;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  private child: ChildProcessWithoutNullStreams | null = null;
  private settled = false;

  /** The `docker exec` process, once started. */
  get exec(): ChildProcessWithoutNullStreams | null {
    return this.child;
  }

  get ended(): boolean {
    return this.settled;
  }

  attach(child: ChildProcessWithoutNullStreams): void {
    this.child = child;
    child.stdin.on("error", () => {
      // the exec ended; its exit says why
    });
    this.stdin.pipe(child.stdin);
    child.stdout.pipe(this.stdout);
    child.on("error", (error) => this.fail(error));
    child.on("exit", (code, signal) => this.finish(code, signal));
  }

  kill(signal: NodeJS.Signals = "SIGTERM"): boolean {
    if (this.settled) return false;
    if (this.child !== null) {
      const sent = this.child.kill(signal);
      if (sent) this.killed = true;
      return sent;
    }
    this.killed = true;
    this.finish(null, signal);
    return true;
  }

  finish(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.settled) return;
    this.settled = true;
    this.exitCode = code;
    this.signalCode = signal;
    if (this.child === null) this.stdout.end();
    this.emit("exit", code, signal);
  }

  fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.child?.stdout.unpipe(this.stdout);
    this.stdout.end();
    if (this.listenerCount("error") > 0) this.emit("error", error);
  }
}

/**
 * The SDK's `spawnClaudeCodeProcess` hook for the docker sandbox: makes sure of the container,
 * then runs Claude Code in it with `docker exec`. `SpawnOptions.command` is the host path of
 * Claude Code's native binary (mounted into the container); an abort of `signal` kills the exec.
 */
export function dockerSpawn(
  config: DockerSandboxConfig,
  runner: DockerRunner,
  hooks: { onStderr?: (text: string) => void; onProcess?: (process: ContainerProcess) => void } = {},
): (options: SpawnOptions) => SpawnedProcess {
  return (options) => {
    const proc = new ContainerProcess();
    hooks.onProcess?.(proc);
    const onAbort = () => proc.kill("SIGTERM");
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener("abort", onAbort, { once: true });
    proc.once("exit", () => options.signal.removeEventListener("abort", onAbort));
    const start = async () => {
      const args = execArgs(config, options);
      await ensureContainer(config, options.command, runner);
      if (proc.ended) return;
      const child = runner.start(args, { ...options.env });
      child.stderr.on("data", (chunk) => hooks.onStderr?.(String(chunk)));
      proc.attach(child);
    };
    start().catch((error: unknown) => {
      const err = error instanceof Error ? error : new Error(String(error));
      hooks.onStderr?.(`${err.message}\n`);
      proc.fail(err);
    });
    return proc;
  };
}

/**
 * The docker counterpart of `SessionProcesses`: the spawn hook, and `endAll` for the end of the
 * session. Processes a session starts in the container (dev servers, `cmd &`) are not the host's
 * children, so they are ended by stopping the container (the init ends them all); the next session
 * starts it again. Baton runs one session of a project at a time, so nothing else is in it.
 */
export class DockerSessionProcesses {
  private readonly started: ContainerProcess[] = [];
  readonly spawn: (options: SpawnOptions) => SpawnedProcess;

  constructor(
    private readonly config: DockerSandboxConfig,
    private readonly runner: DockerRunner,
    private readonly onStderr: (text: string) => void,
  ) {
    this.spawn = dockerSpawn(config, runner, { onStderr, onProcess: (p) => this.started.push(p) });
  }

  /** Ends the exec still running, if any, then stops the container. Never rejects. */
  async endAll(): Promise<void> {
    for (const proc of this.started) proc.kill("SIGKILL");
    if (this.started.length === 0) return;
    const stopped = await this.runner.run(stopContainerArgs(this.config.name));
    if (stopped.code !== 0 && !NO_SUCH.test(stopped.stderr)) {
      this.onStderr(`${failed(`docker stop ${this.config.name}`, stopped).message}\n`);
    }
  }
}
