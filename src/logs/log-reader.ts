import { closeSync, existsSync, fstatSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { BatonError } from "../errors.ts";
import type { Session } from "../sessions/model.ts";

export type LogKind = "txt" | "jsonl";

/** The path of a session's log file: `<project dir>/<log_path>.<kind>`. */
export function sessionLogFile(projectDir: string, session: Session, kind: LogKind): string {
  if (session.log_path === null) {
    throw new BatonError(
      "BATON_LOG_NOT_FOUND",
      `session ${session.number} has no log yet (it is ${session.status}); its log starts when it does`,
      { session: session.number },
    );
  }
  const file = join(projectDir, `${session.log_path}.${kind}`);
  if (!existsSync(file)) {
    throw new BatonError("BATON_LOG_NOT_FOUND", `the log of session ${session.number} is missing: ${file}`, {
      session: session.number,
      file,
    });
  }
  return file;
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
