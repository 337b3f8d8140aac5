import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BatonEvent } from "../events/catalog.ts";
import { formatEventText, formatSummary, type SessionSummary } from "./text-format.ts";

export const LOGS_DIR = "logs";

/** `20261124T201500Z`: a time to the second (UTC) as it appears in log file and folder names. */
export function fileTimeStamp(time: Date): string {
  return time
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
}

/** `session_007_20261124T201500Z` — the shared stem of a session's two log files. */
export function sessionLogStem(sessionNumber: number, startedAt: Date): string {
  return `session_${String(sessionNumber).padStart(3, "0")}_${fileTimeStamp(startedAt)}`;
}

/** `review_003_20261124T201500Z` — the stem of a review session's logs (reviews have their own numbers). */
export function reviewLogStem(reviewNumber: number, startedAt: Date): string {
  return `review_${String(reviewNumber).padStart(3, "0")}_${fileTimeStamp(startedAt)}`;
}

/** Where the screenshots of a session's browser go, relative to the project directory. */
export function browserLogDir(stem: string): string {
  return `${LOGS_DIR}/browser/${stem}`;
}

/**
 * The two log files of one session in `<project>/logs/`: `.jsonl` (every event, one per line, as
 * stored) and `.txt` (for people: trimmed tool traffic, errors in full, a summary block).
 * Writes are synchronous appends, so what was logged survives a crash of the process.
 */
export class SessionLog {
  readonly jsonlPath: string;
  readonly txtPath: string;

  constructor(
    projectDir: string,
    readonly stem: string,
    private readonly startedAt: number,
    header: string,
  ) {
    const dir = join(projectDir, LOGS_DIR);
    mkdirSync(dir, { recursive: true });
    this.jsonlPath = join(dir, `${stem}.jsonl`);
    this.txtPath = join(dir, `${stem}.txt`);
    appendFileSync(this.jsonlPath, "");
    appendFileSync(this.txtPath, `${header}\n${"─".repeat(60)}\n`);
  }

  write(event: BatonEvent): void {
    appendFileSync(this.jsonlPath, `${JSON.stringify(event)}\n`);
    appendFileSync(this.txtPath, `${formatEventText(event, this.startedAt)}\n`);
  }

  close(summary: SessionSummary): void {
    appendFileSync(this.txtPath, formatSummary(summary));
  }
}
