import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import type { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import type { SpawnedProcess, SpawnOptions } from "@anthropic-ai/claude-agent-sdk";
import { CREDENTIAL_FD } from "./session-env.ts";

const TERM_GRACE_MS = 2_000;
/** Every process of a session inherits this variable; its value is the session's mark. */
export const SESSION_MARK_VARIABLE = "BATON_SESSION_MARK";

/** Processes whose environment carries `mark` (Linux: /proc); empty elsewhere. */
function markedProcesses(mark: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const needle = `${SESSION_MARK_VARIABLE}=${mark}\0`;
  return entries
    .filter((e) => /^\d+$/.test(e) && Number(e) !== process.pid)
    .filter((e) => {
      try {
        return readFileSync(`/proc/${e}/environ`, "latin1").includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * Whether the process group has a member that is not a zombie. A zombie cannot be signalled and
 * ends only when its new parent reaps it — which a container's init may do late or never — so a
 * group of zombies counts as ended. Without /proc: whether the group exists at all.
 */
export function groupIsLive(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  return entries.some((e) => {
    if (!/^\d+$/.test(e)) return false;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "latin1");
      // After the command's closing parenthesis: state, ppid, pgrp, …
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return Number(pgrp) === pgid && state !== "Z";
    } catch {
      return false;
    }
  });
}

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

/**
 * Starts Claude Code for the SDK. `credential` (see session-env.ts) is written to descriptor
 * CREDENTIAL_FD, where Claude Code reads it once, so it is never in any process's environment.
 */
export function spawnClaudeCode(
  options: SpawnOptions,
  extra: { credential: string | null; env?: Record<string, string>; detached?: boolean },
): ChildProcess & SpawnedProcess {
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: { ...options.env, ...extra.env },
    signal: options.signal,
    stdio: extra.credential === null ? ["pipe", "pipe", "pipe"] : ["pipe", "pipe", "pipe", "pipe"],
    detached: extra.detached ?? false,
  });
  if (extra.credential !== null) {
    const pipe = child.stdio[CREDENTIAL_FD] as Writable;
    pipe.on("error", () => {}); // Claude Code exited before reading it: the session fails on its own
    pipe.end(extra.credential);
  }
  return child as ChildProcess & SpawnedProcess;
}

/**
 * Starts a session's Claude Code process so that everything it starts can be ended with it: no
 * process of a session (shells, dev servers, browsers) outlives the session. Claude Code runs in
 * its own process group, and carries a mark in its environment that every descendant inherits —
 * also those that leave the group or are re-parented (Claude Code gives each shell command its own
 * session, and `cmd &` outlives that shell). At the end, marked processes (found through /proc on
 * Linux) and the group get SIGTERM, then SIGKILL after a grace period.
 */
export class SessionProcesses {
  private pgid: number | null = null;
  readonly mark = randomUUID();

  constructor(
    private readonly onStderr: (text: string) => void,
    /** The model credential to hand over on a descriptor (session-env.ts); null: none. */
    private readonly credential: string | null = null,
  ) {}

  /** The SDK's `spawnClaudeCodeProcess` hook. */
  readonly spawn = (options: SpawnOptions): SpawnedProcess => {
    const child = spawnClaudeCode(options, {
      credential: this.credential,
      env: { [SESSION_MARK_VARIABLE]: this.mark },
      detached: true,
    });
    child.stderr?.on("data", (chunk) => this.onStderr(String(chunk)));
    this.pgid = child.pid ?? null;
    return child;
  };

  private remaining(): number[] {
    const pids = markedProcesses(this.mark);
    if (this.pgid !== null && groupIsLive(this.pgid)) pids.push(-this.pgid);
    return pids;
  }

  /** Ends every process of the session that is still running. */
  async endAll(): Promise<void> {
    let left = this.remaining();
    if (left.length === 0) return;
    signal(left, "SIGTERM");
    const deadline = Date.now() + TERM_GRACE_MS;
    while (left.length > 0 && Date.now() < deadline) {
      await sleep(50);
      left = this.remaining();
    }
    signal(left, "SIGKILL");
  }
}
