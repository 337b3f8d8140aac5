import pino from "pino";
import type { Logger } from "../../src/logs/process-log.ts";

/** A process log for tests: warnings and worse are kept in `lines` (JSON), nothing is written out. */
export function testLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = pino({ level: "warn" }, { write: (line: string) => void lines.push(line) });
  return Object.assign(log, { lines });
}
