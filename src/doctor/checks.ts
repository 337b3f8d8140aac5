/**
 * `baton doctor`'s checks: everything a run needs, each a small function with one result type,
 * run in the order of DOCTOR_CHECKS.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { findChromium } from "../agent/browser.ts";
import { describeCredentials, detectCredentials } from "../agent/credentials.ts";
import { displayPath } from "../config/format.ts";
import type { LoadedConfig } from "../config/load.ts";
import { isBatonError } from "../errors.ts";
import { findOnPath } from "../security/sandbox.ts";
import { maskUrl } from "../util/mask.ts";
import { PACKAGE_JSON } from "../version.ts";
import { type BinaryLookup, binaryPackages, findClaudeBinary, localBinaryLookup } from "./claude-binary.ts";
import { checkDatabase } from "./database-check.ts";
import { directoryState } from "./directories.ts";
import { type Check, type CheckResult, type DoctorContext, fail, ok, warn } from "./result.ts";
import { runProgram } from "./run-program.ts";
import { checkSandbox } from "./sandbox-check.ts";

/** package.json's `engines.node`, e.g. ">=20.19". */
export const NODE_REQUIREMENT: string = PACKAGE_JSON.engines.node;
export const CLAUDE_VERSION_TIMEOUT_MS = 15_000;
const GIT_TIMEOUT_MS = 15_000;

function versionNumbers(version: string): number[] {
  return (/(\d+(?:\.\d+)*)/.exec(version)?.[1] ?? "0").split(".").map(Number);
}

/** a ≥ b, part by part (missing parts count as 0). */
function atLeast(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

export function checkNode(ctx: DoctorContext): CheckResult {
  const wanted = NODE_REQUIREMENT.replace(/^>=\s*/, "");
  if (atLeast(versionNumbers(ctx.nodeVersion), versionNumbers(wanted)))
    return ok("node", `v${ctx.nodeVersion}`);
  return fail(
    "node",
    `v${ctx.nodeVersion} is older than ${wanted} (package.json engines)`,
    `install Node.js ${wanted} or newer (https://nodejs.org, or \`nvm install 22\`)`,
  );
}

/** The binary the Agent SDK starts for every session, and whether it runs. */
export async function checkClaudeCode(
  ctx: DoctorContext,
  options: { lookup?: BinaryLookup; timeoutMs?: number } = {},
): Promise<CheckResult> {
  const name = "claude-code";
  const lookup = options.lookup ?? localBinaryLookup(ctx.platform, ctx.arch);
  const binary = findClaudeBinary(lookup);
  if (binary === null) {
    const [pkg] = binaryPackages(lookup.platform, lookup.arch, lookup.musl);
    return fail(
      name,
      `no Claude Code binary for ${lookup.platform}-${lookup.arch}: ${pkg} is not installed`,
      "npm install --include=optional (the binary is an optional dependency of @anthropic-ai/claude-agent-sdk)",
    );
  }
  const shown = displayPath(binary, ctx);
  const run = await runProgram(binary, ["--version"], {
    env: ctx.env,
    timeoutMs: options.timeoutMs ?? CLAUDE_VERSION_TIMEOUT_MS,
  });
  if (!run.ok) {
    return fail(
      name,
      `${shown} --version failed: ${run.message}`,
      `reinstall it: rm -rf ${path.dirname(shown)} && npm install --include=optional`,
    );
  }
  return ok(name, `${run.stdout.split("\n")[0]} at ${shown}`);
}

export function checkCredentials(ctx: DoctorContext): CheckResult {
  const name = "credentials";
  try {
    const found = detectCredentials(ctx.env);
    const via = found.base_url === null ? "" : ` via ${maskUrl(found.base_url)}`;
    const detail = `${describeCredentials(found.kind)}${via}`;
    const [first] = found.warnings;
    if (first !== undefined) return warn(name, `${detail}; ${first}`, "unset the one you do not mean to use");
    return ok(name, detail);
  } catch (error) {
    if (!isBatonError(error, "BATON_CREDENTIALS_MISSING")) throw error;
    // Claude Code's own login is not what sessions use: Baton hands credentials over by environment.
    const login = path.join(ctx.homedir, ".claude", ".credentials.json");
    const note = existsSync(login)
      ? ` (${displayPath(login, ctx)} from \`claude login\` is not used: sessions take credentials from the environment)`
      : "";
    return fail(
      name,
      `no Claude credentials in the environment${note}`,
      error.message.replace(/^no Claude credentials: /, ""),
    );
  }
}

/** The merged configuration (flags, environment, baton.yaml, ~/.baton/config.yaml) loads. */
export function checkConfig(ctx: DoctorContext): CheckResult {
  const name = "config";
  if (ctx.loaded === null) {
    const lines = (ctx.configError?.message ?? "unknown error").split("\n");
    const skipped = DOCTOR_CHECKS.filter((check) => check.needsConfig).map((check) => check.name);
    return fail(name, `cannot be loaded, so ${skipped.join(", ")} were not checked`, ...lines);
  }
  const files = ctx.loaded.files.map((file) => displayPath(file, ctx));
  return ok(name, files.length === 0 ? "defaults (no config file)" : files.join(", "));
}

export function checkChromium(ctx: DoctorContext, candidates?: readonly string[]): CheckResult {
  const chromium = findChromium(candidates);
  if (chromium !== null) return ok("chromium", displayPath(chromium, ctx));
  return warn(
    "chromium",
    "not found: sessions cannot verify UI work in a browser",
    "apt-get install chromium (Debian/Ubuntu)",
  );
}

export async function checkGit(ctx: DoctorContext): Promise<CheckResult> {
  const git = findOnPath("git", ctx.env.PATH ?? "");
  if (git === null) {
    return fail(
      "git",
      "not on PATH: every project is a git repository",
      "apt-get install git (dnf install git; macOS: xcode-select --install)",
    );
  }
  const run = await runProgram(git, ["--version"], { env: ctx.env, timeoutMs: GIT_TIMEOUT_MS });
  if (!run.ok) return fail("git", `${git} --version failed: ${run.message}`, "reinstall git");
  return ok("git", `${run.stdout} at ${git}`);
}

function directoryCheck(name: string, dir: string, ctx: DoctorContext, fix: string): CheckResult {
  const shown = displayPath(dir, ctx);
  const state = directoryState(dir);
  if (!state.ok) return fail(name, `${shown}: ${state.why}`, fix);
  return ok(name, state.exists ? `${shown} (writable)` : `${shown} (will be created)`);
}

export function checkHome(ctx: DoctorContext): CheckResult {
  return directoryCheck(
    "baton-home",
    ctx.home,
    ctx,
    `set BATON_HOME to a writable directory, or make ${ctx.home} one (mkdir -p, chown)`,
  );
}

export function checkGenerations(ctx: DoctorContext, loaded: LoadedConfig): CheckResult {
  const dir = path.resolve(ctx.cwd, loaded.config.project.generations_dir);
  return directoryCheck(
    "generations",
    dir,
    ctx,
    "set project.generations_dir (~/.baton/config.yaml, or BATON_PROJECT_GENERATIONS_DIR) to a writable directory",
  );
}

/** Every check, in the order they run and are shown. */
export const DOCTOR_CHECKS: readonly Check[] = [
  { name: "node", needsConfig: false, run: checkNode },
  { name: "claude-code", needsConfig: false, run: (ctx) => checkClaudeCode(ctx) },
  { name: "credentials", needsConfig: false, run: checkCredentials },
  { name: "config", needsConfig: false, run: checkConfig },
  { name: "sandbox", needsConfig: true, run: checkSandbox },
  { name: "database", needsConfig: true, run: checkDatabase },
  { name: "chromium", needsConfig: false, run: (ctx) => checkChromium(ctx) },
  { name: "git", needsConfig: false, run: checkGit },
  { name: "baton-home", needsConfig: false, run: checkHome },
  { name: "generations", needsConfig: true, run: checkGenerations },
];
