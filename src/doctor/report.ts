import { assertNever } from "../util/assert-never.ts";
import type { CheckResult, CheckStatus } from "./result.ts";

export interface DoctorReport {
  checks: CheckResult[];
  /** No check failed (warnings allowed). */
  ok: boolean;
}

export function doctorReport(checks: CheckResult[]): DoctorReport {
  return { checks, ok: checks.every((c) => c.status !== "fail") };
}

function mark(status: CheckStatus): string {
  switch (status) {
    case "ok":
      return "✓";
    case "warn":
      return "!";
    case "fail":
      return "✗";
    default:
      return assertNever(status, "check status");
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** `all checks passed`, or `2 problems: credentials, database; 1 warning: chromium`. */
export function summaryLine(checks: readonly CheckResult[]): string {
  const names = (status: CheckStatus) => checks.filter((c) => c.status === status).map((c) => c.name);
  const failed = names("fail");
  const warned = names("warn");
  const parts: string[] = [];
  if (failed.length > 0) parts.push(`${plural(failed.length, "problem")}: ${failed.join(", ")}`);
  if (warned.length > 0) parts.push(`${plural(warned.length, "warning")}: ${warned.join(", ")}`);
  if (failed.length === 0) parts.unshift("all checks passed");
  return parts.join("; ");
}

/** One aligned line per check, its fixes indented under it, then the summary. */
export function formatDoctorText(report: DoctorReport): string {
  const width = Math.max(0, ...report.checks.map((c) => c.name.length));
  const lines: string[] = [];
  for (const check of report.checks) {
    lines.push(`${mark(check.status)} ${check.name.padEnd(width)}  ${check.detail}`);
    for (const fix of check.fixes) lines.push(`  ${" ".repeat(width)}  fix: ${fix}`);
  }
  lines.push("", summaryLine(report.checks));
  return `${lines.join("\n")}\n`;
}

export function formatDoctorJson(report: DoctorReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
