/**
 * Baton's own log (pino, JSON lines): what a process did and what went wrong that it handled —
 * a heartbeat that could not be written, usage that could not be stored, a status left unset.
 * Passed in deps like the database; `baton serve` and `baton run` each write theirs under the
 * data directory (`<BATON_HOME>/logs/serve.log`, `run.log`; pid and hostname on every line).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";

export type Logger = pino.Logger;

/** Where a command's process log goes. */
export function processLogPath(
  home: string,
  command: "serve" | "run" | "review" | "demo" | "worker",
): string {
  return join(home, "logs", `${command}.log`);
}

/** A logger appending to `file` (created with its folder, readable by its owner only). */
export function fileLogger(file: string, level: pino.Level = "info"): Logger {
  mkdirSync(join(file, ".."), { recursive: true, mode: 0o700 });
  return pino(
    { level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: file, append: true, sync: true, mode: 0o600 }),
  );
}

/** A logger that keeps nothing (commands that have no process log, like `baton openapi`). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
