import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { BatonError, fail } from "../errors.ts";
import type { Project } from "../projects/model.ts";
import type { Session } from "../sessions/model.ts";
import { logLocation } from "./session-log.ts";

export type LogKind = "txt" | "jsonl";

/** What locates a project's logs: Baton's home and the project. */
export interface LogScope {
  home: string;
  project: Pick<Project, "id" | "directory">;
}

/**
 * The path of a session's log file, once checked: a regular file (not a link) in the session's
 * log directory — Baton's own for new sessions, the project's `logs/` for sessions an older Baton
 * logged (there, a link that leads out of it is refused too: sessions write that folder).
 */
export function sessionLogFile(scope: LogScope, session: Session, kind: LogKind): string {
  if (session.log_path === null) {
    throw fail("BATON_LOG_NOT_FOUND", {
      session: session.number,
      reason: `session ${session.number} has no log yet (it is ${session.status}); its log starts when it does`,
    });
  }
  const location = logLocation(scope.home, scope.project, session.log_path);
  if (location === null) {
    throw fail("BATON_LOG_PATH_INVALID", {
      session: session.number,
      log_path: session.log_path,
      reason: `the log path of session ${session.number} (${session.log_path}) is not one Baton writes; it is not served`,
    });
  }
  const file = join(location.dir, `${location.stem}.${kind}`);
  const link = () =>
    fail("BATON_LOG_PATH_INVALID", {
      session: session.number,
      log_path: session.log_path,
      reason: `the log of session ${session.number} (${file}) is a link or leads out of its folder; it is not served`,
    });
  const missing = () => fail("BATON_LOG_NOT_FOUND", { session: session.number, file });
  try {
    const stat = lstatSync(file);
    if (stat.isSymbolicLink()) throw link();
    if (!stat.isFile()) throw missing();
    if (location.legacy && !isInside(realpathSync(location.dir), realpathSync(file))) throw link();
  } catch (error) {
    if (error instanceof BatonError) throw error;
    throw missing();
  }
  return file;
}

/** Whether `file` is strictly below `dir` (both absolute). */
function isInside(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * Reads a growing file from where the last read stopped. Characters split across two reads are
 * decoded once whole; a file that shrank (rewritten) is read again from its start.
 */
export class LogTail {
  private offset = 0;
  private decoder = new StringDecoder("utf8");

  constructor(readonly file: string) {}

  /** What was appended since the last call ("" when nothing was). */
  read(): string {
    const fd = openSync(this.file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) {
        this.offset = 0;
        this.decoder = new StringDecoder("utf8");
      }
      const chunks: string[] = [];
      const buffer = Buffer.alloc(64 * 1024);
      while (this.offset < size) {
        const n = readSync(fd, buffer, 0, Math.min(buffer.length, size - this.offset), this.offset);
        if (n === 0) break;
        this.offset += n;
        chunks.push(this.decoder.write(buffer.subarray(0, n)));
      }
      return chunks.join("");
    } finally {
      closeSync(fd);
    }
  }
}
