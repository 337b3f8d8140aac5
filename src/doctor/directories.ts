import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";

export type DirectoryState = { ok: true; exists: boolean } | { ok: false; why: string };

/** Whether `dir` is a writable directory, or could be created: its nearest existing ancestor is one. */
export function directoryState(dir: string): DirectoryState {
  let current = path.resolve(dir);
  for (;;) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(current).isDirectory();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const parent = path.dirname(current);
      if ((code === "ENOENT" || code === "ENOTDIR") && parent !== current) {
        current = parent;
        continue;
      }
      return { ok: false, why: `cannot look at ${current}: ${(error as Error).message}` };
    }
    if (!isDirectory) return { ok: false, why: `${current} is not a directory` };
    try {
      accessSync(current, constants.W_OK | constants.X_OK);
    } catch {
      return { ok: false, why: `${current} is not writable` };
    }
    return { ok: true, exists: current === path.resolve(dir) };
  }
}
