/**
 * The OS sandbox sessions' shell commands run in (Claude Code's own: bubblewrap + socat on Linux,
 * Seatbelt on macOS): whether this machine has it, and the settings Baton gives it.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";
import type { SandboxSettings } from "@anthropic-ai/claude-agent-sdk";
import { fail } from "../errors.ts";
import { dockerAvailability, dockerCli } from "./docker-sandbox.ts";
import { type SecretScope, secretPaths } from "./secret-paths.ts";

export interface SandboxAvailability {
  available: boolean;
  /** What is missing or broken, each with how to fix it; empty when available. */
  problems: string[];
}

/** The first executable named `name` on `PATH`, or null. */
export function findOnPath(name: string, envPath = process.env.PATH ?? ""): string | null {
  for (const dir of envPath.split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Runs `true` in a minimal bubblewrap jail: fails where user namespaces are turned off. */
function bubblewrapWorks(bwrap: string): string | null {
  const run = spawnSync(bwrap, ["--ro-bind", "/", "/", "--dev", "/dev", "--unshare-net", "true"], {
    timeout: 10_000,
    encoding: "utf8",
  });
  if (run.status === 0) return null;
  const why = (run.stderr || run.error?.message || `exit ${run.status}`).trim();
  return `bubblewrap cannot create a sandbox here (${why}); allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1) or set sandbox.type: none`;
}

/** Whether sessions can run under the OS sandbox on this machine, and if not, what to install. */
export function osSandboxAvailability(
  platform: NodeJS.Platform = process.platform,
  envPath = process.env.PATH ?? "",
): SandboxAvailability {
  if (platform === "darwin") {
    return findOnPath("sandbox-exec", `${envPath}${path.delimiter}/usr/bin`)
      ? { available: true, problems: [] }
      : { available: false, problems: ["sandbox-exec (Seatbelt) not found: it ships with macOS"] };
  }
  if (platform !== "linux") {
    return {
      available: false,
      problems: [
        `the OS sandbox runs on Linux and macOS only, not ${platform}: set sandbox.type: docker or none`,
      ],
    };
  }
  const problems: string[] = [];
  const bwrap = findOnPath("bwrap", envPath);
  if (!bwrap) problems.push("bubblewrap not found: apt-get install bubblewrap (dnf install bubblewrap)");
  if (!findOnPath("socat", envPath))
    problems.push("socat not found: apt-get install socat (dnf install socat)");
  if (bwrap) {
    const broken = bubblewrapWorks(bwrap);
    if (broken) problems.push(broken);
  }
  return { available: problems.length === 0, problems };
}

/**
 * While a command runs, Claude Code's sandbox stands empty read-only files in the project for the
 * shell and editor settings it protects (so a command cannot plant one); `git add -A` would trip
 * over them, so each project's git excludes them.
 */
export const SANDBOX_PLACEHOLDERS = [
  "/.bash_profile",
  "/.bashrc",
  "/.profile",
  "/.zprofile",
  "/.zshrc",
  "/.gitconfig",
  "/.gitmodules",
  "/.ripgreprc",
  "/.mcp.json",
  "/.idea",
  "/.vscode",
  "/.claude/",
];

export interface OsSandboxInput extends SecretScope {
  /** Hosts sandboxed commands may connect to (`sandbox.allowed_domains`); localhost always. */
  allowedDomains: readonly string[];
}

/**
 * Claude Code's sandbox settings for one session: writes only in the project and the temp dir
 * (Claude Code's default), no reads of secrets (the project stays readable even under a denied
 * directory), network to the allowed domains only, servers may listen on localhost, and no way for
 * the model to ask for an unsandboxed command. Claude Code refuses to start when it cannot sandbox.
 */
export function osSandboxSettings(input: OsSandboxInput): SandboxSettings {
  return {
    enabled: true,
    failIfUnavailable: true,
    allowUnsandboxedCommands: false,
    network: { allowedDomains: [...input.allowedDomains], allowLocalBinding: true },
    filesystem: { denyRead: secretPaths(input), allowRead: [path.resolve(input.projectDir)] },
  };
}

const VIOLATIONS = /<sandbox_violations>\s*([\s\S]*?)\s*<\/sandbox_violations>/;
const READ_ONLY = /^.*(Read-only file system|EROFS).*$/m;
const UNREADABLE = /Permission denied|No such file or directory|EACCES|ENOENT/;

/**
 * What the sandbox refused during a command, from the command's output: Claude Code appends the
 * network denials it saw; a write outside the allowed directories fails as a read-only file
 * system; a read of a secret fails as denied or missing, naming the secret. Null when the output
 * shows no refusal.
 */
export function sandboxRefusal(output: string, secrets: readonly string[] = []): string | null {
  const violations = VIOLATIONS.exec(output)?.[1]?.trim();
  if (violations) return violations;
  const readOnly = READ_ONLY.exec(output)?.[0]?.trim();
  if (readOnly) return `write outside the project refused: ${readOnly}`;
  if (!UNREADABLE.test(output)) return null;
  const secret = secrets.find((p) => output.includes(p));
  return secret === undefined ? null : `read of a secret refused: ${secret}`;
}

/**
 * Refuses to go on when the configured sandbox cannot run here, naming what to install:
 * `os` needs bubblewrap and socat (Linux) or Seatbelt (macOS), `docker` a reachable Docker engine.
 */
export async function requireSandbox(
  type: "os" | "docker" | "none",
  /** The environment sessions get: its PATH is where Claude Code looks for bubblewrap and socat. */
  env: Record<string, string | undefined> = process.env,
  docker: () => Promise<SandboxAvailability> = () => dockerAvailability(dockerCli()),
): Promise<void> {
  if (type === "none") return;
  const { available, problems } =
    type === "os" ? osSandboxAvailability(process.platform, env.PATH ?? "") : await docker();
  if (available) return;
  const what =
    type === "os" ? "the OS sandbox (sandbox.type: os)" : "a container per project (sandbox.type: docker)";
  throw fail("BATON_SANDBOX_UNAVAILABLE", {
    problems,
    reason: `sessions run their commands in ${what}, which this machine cannot provide: ${problems.join("; ")}. Fix that (npx baton doctor checks it), or set sandbox.type: none to run commands unconfined`,
  });
}
