/** What `baton doctor` reports: one result per check, run in order. */
import type { LoadedConfig } from "../config/load.ts";

export const CHECK_STATUSES = ["ok", "warn", "fail"] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export interface CheckResult {
  name: string;
  status: CheckStatus;
  /** One line: what was found. Never a secret. */
  detail: string;
  /** For warn and fail: what to run or change, one line each; empty when ok. */
  fixes: string[];
}

/** Everything a check may look at; the CLI builds it from its io and global options. */
export interface DoctorContext {
  env: Record<string, string | undefined>;
  cwd: string;
  /** The user's home directory, shown as `~`. */
  homedir: string;
  platform: NodeJS.Platform;
  arch: string;
  /** `process.versions.node` */
  nodeVersion: string;
  /** The Baton home (BATON_HOME or ~/.baton), known even when the config is invalid. */
  home: string;
  /** Null when the configuration could not be loaded (the config check says why). */
  loaded: LoadedConfig | null;
  /** Why the configuration could not be loaded. */
  configError: Error | null;
  /** The command that applies pending migrations to this database (with the same global options). */
  migrateCommand: string;
}

type Outcome = CheckResult | Promise<CheckResult>;

/** One check. Those that read the configuration are left out when it cannot be loaded. */
export type Check =
  | { name: string; needsConfig: false; run(ctx: DoctorContext): Outcome }
  | { name: string; needsConfig: true; run(ctx: DoctorContext, loaded: LoadedConfig): Outcome };

export function ok(name: string, detail: string): CheckResult {
  return { name, status: "ok", detail, fixes: [] };
}

export function warn(name: string, detail: string, ...fixes: string[]): CheckResult {
  return { name, status: "warn", detail, fixes };
}

export function fail(name: string, detail: string, ...fixes: string[]): CheckResult {
  return { name, status: "fail", detail, fixes };
}

/**
 * Runs the checks one after another. A check that throws is reported as failed with its error,
 * so one broken check never hides the others.
 */
export async function runChecks(ctx: DoctorContext, checks: readonly Check[]): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    if (check.needsConfig && ctx.loaded === null) continue;
    try {
      results.push(await start(check, ctx));
    } catch (error) {
      results.push(
        fail(
          check.name,
          `the check itself failed: ${error instanceof Error ? error.message : String(error)}`,
          "report this as a bug in `baton doctor`",
        ),
      );
    }
  }
  return results;
}

function start(check: Check, ctx: DoctorContext): Outcome {
  if (!check.needsConfig) return check.run(ctx);
  if (ctx.loaded === null) throw new Error("the configuration is not loaded");
  return check.run(ctx, ctx.loaded);
}

/**
 * Splits "what is wrong: what to do" (or "what is wrong; what to do") at the first separator
 * outside parentheses, so a problem sentence from elsewhere in Baton becomes a detail and a fix.
 */
export function splitProblem(problem: string): { detail: string; fix: string } {
  let depth = 0;
  for (let i = 0; i < problem.length; i++) {
    const c = problem[i];
    if (c === "(") depth++;
    else if (c === ")") depth = Math.max(0, depth - 1);
    else if (depth === 0 && (c === ":" || c === ";") && problem[i + 1] === " ") {
      return { detail: problem.slice(0, i).trim(), fix: problem.slice(i + 2).trim() };
    }
  }
  return { detail: problem, fix: problem };
}
