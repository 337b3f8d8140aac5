import { readdirSync, readlinkSync } from "node:fs";

/** Processes whose working directory is inside `dir` (a session's Claude Code and what it started). */
export function processesIn(dir: string): number[] {
  return readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readlinkSync(`/proc/${p}/cwd`).startsWith(dir);
      } catch {
        return false;
      }
    })
    .map(Number);
}
