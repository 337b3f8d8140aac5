import { closeSync, constants, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { BatonEvent } from "../events/catalog.ts";
import { formatEventText, formatSummary, type SessionSummary } from "./text-format.ts";

/** Where logs of older Baton versions lie, relative to the project directory (`logs/<stem>`). */
export const LEGACY_LOGS_DIR = "logs";

/**
 * Where Baton keeps a project's logs: `<home>/logs/<project id>/`, in its data directory, out of
 * the project (which the session writes: it could put links there for Baton to write through).
 * It holds each session's `<stem>.jsonl` and `.txt`, `browser/<stem>/` (screenshots), the dev
 * servers' output and `old_attempts/` (what a reset set aside).
 */
export function projectLogDir(home: string, projectId: number): string {
  return join(home, "logs", String(projectId));
}

/** What a `log_path` may name in a log directory: a stem as Baton makes them, no folder. */
export const SAFE_STEM = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Where a session's logs are: its log directory and stem, from its stored `log_path`. */
export interface LogLocation {
  dir: string;
  stem: string;
  /** In the project's own `logs/` (written by an older Baton), not in Baton's data directory. */
  legacy: boolean;
}

/**
 * A session's log location from its `log_path`: a stem (`session_001_…`) in the project's log
 * directory under Baton's home; or, for sessions an older Baton logged, `logs/<stem>` in the
 * project. Null when there is none, or when the path is neither (it is never served).
 */
export function logLocation(
  home: string,
  project: { id: number; directory: string },
  logPath: string | null,
): LogLocation | null {
  if (logPath === null) return null;
  const legacy = logPath.startsWith(`${LEGACY_LOGS_DIR}/`);
  const stem = legacy ? logPath.slice(LEGACY_LOGS_DIR.length + 1) : logPath;
  if (!SAFE_STEM.test(stem)) return null;
  return legacy
    ? { dir: join(project.directory, LEGACY_LOGS_DIR), stem, legacy }
    : { dir: projectLogDir(home, project.id), stem, legacy };
}

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

/** Where the screenshots of a session's browser go, relative to its log directory. */
export function browserLogDir(stem: string): string {
  return join("browser", stem);
}

const APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

/**
 * The two log files of one session in its project's log directory: `.jsonl` (every event, one
 * per line, as stored) and `.txt` (for people: trimmed tool traffic, errors in full, a summary
 * block). Writes are synchronous appends, so what was logged survives a crash of the process.
 *
 * A log that cannot be written (a full disk, a folder made read-only) never stops the session:
 * the events are in the database either way. The first failure is kept for the recorder to
 * report (`takeFailure`), and nothing more is written.
 */
export class SessionLog {
  readonly jsonlPath: string;
  readonly txtPath: string;
  private files: { jsonl: number; txt: number } | null = null;
  private failure: string | null = null;
  private failureTaken = false;

  constructor(
    readonly dir: string,
    readonly stem: string,
    private readonly startedAt: number,
    header: string,
  ) {
    this.jsonlPath = join(dir, `${stem}.jsonl`);
    this.txtPath = join(dir, `${stem}.txt`);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      this.files = {
        jsonl: openSync(this.jsonlPath, APPEND, 0o600),
        txt: openSync(this.txtPath, APPEND, 0o600),
      };
    } catch (error) {
      this.fail(error);
    }
    this.guard((files) => writeSync(files.txt, `${header}\n${"─".repeat(60)}\n`));
  }

  write(event: BatonEvent): void {
    this.guard((files) => {
      writeSync(files.jsonl, `${JSON.stringify(event)}\n`);
      writeSync(files.txt, `${formatEventText(event, this.startedAt)}\n`);
    });
  }

  close(summary: SessionSummary): void {
    this.guard((files) => writeSync(files.txt, formatSummary(summary)));
    if (this.files !== null) {
      closeSync(this.files.jsonl);
      closeSync(this.files.txt);
      this.files = null;
    }
  }

  /** The first write failure, once (then null): what the recorder reports as an error event. */
  takeFailure(): string | null {
    if (this.failure === null || this.failureTaken) return null;
    this.failureTaken = true;
    return this.failure;
  }

  private guard(write: (files: { jsonl: number; txt: number }) => void): void {
    if (this.failure !== null || this.files === null) return;
    try {
      write(this.files);
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    const why = error instanceof Error ? error.message : String(error);
    this.failure ??= `the session's log files cannot be written (${this.dir}): ${why}; its events are kept in the database`;
  }
}
