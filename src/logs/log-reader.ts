import { closeSync, fstatSync, lstatSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { BatonError } from "../errors.ts";
import type { Session } from "../sessions/model.ts";
import { LOGS_DIR } from "./session-log.ts";

export type LogKind = "txt" | "jsonl";

/**
 * The path of a session's log file, `<project dir>/<log_path>.<kind>`, once checked: a regular
 * file inside the project's `logs/` folder, symlinks resolved (the path comes from the database,
 * yet it names a file to read, so nothing outside the logs is ever served). Returns the real path.
 */
export function sessionLogFile(projectDir: string, session: Session, kind: LogKind): string {
  if (session.log_path === null) {
    throw new BatonError(
      "BATON_LOG_NOT_FOUND",
      `session ${session.number} has no log yet (it is ${session.status}); its log starts when it does`,
      { session: session.number },
    );
  }
  const logsDir = resolve(projectDir, LOGS_DIR);
  const file = resolve(projectDir, `${session.log_path}.${kind}`);
  const outside = () =>
    new BatonError(
      "BATON_LOG_PATH_INVALID",
      `the log path of session ${session.number} (${session.log_path}) is not inside the project's ${LOGS_DIR}/ folder; it is not served`,
      { session: session.number, log_path: session.log_path },
    );
  const missing = () =>
    new BatonError("BATON_LOG_NOT_FOUND", `the log of session ${session.number} is missing: ${file}`, {
      session: session.number,
      file,
    });
  if (!isInside(logsDir, file)) throw outside();
  let real: string;
  try {
    lstatSync(file);
    real = realpathSync(file);
    if (!isInside(realpathSync(logsDir), real)) throw outside();
    if (!statSync(real).isFile()) throw missing();
  } catch (error) {
    if (error instanceof BatonError) throw error;
    throw missing();
  }
  return real;
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
    const fd = openSync(this.file, "r");
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
