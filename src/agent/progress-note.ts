import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { commitFile } from "../util/git.ts";

export const PROGRESS_NOTE = "claude-progress.md";
export const SESSIONS_KEPT = 5;

/**
 * Keeps what comes before the first `## Session` heading (what the app is, how to run it) and
 * the last `keep` session sections. Returns the bounded text, or null when nothing is dropped.
 */
export function boundNote(text: string, keep = SESSIONS_KEPT): string | null {
  const parts = text.split(/^(?=## Session\b)/m);
  const [head = "", ...sessions] = parts[0]?.startsWith("## Session") ? ["", ...parts] : parts;
  if (sessions.length <= keep) return null;
  const dropped = sessions.length - keep;
  const marker = `_(${dropped} older session${dropped === 1 ? "" : "s"} removed by Baton; see git history)_\n\n`;
  return `${head.replace(/\s*$/, "\n\n")}${marker}${sessions.slice(-keep).join("")}`;
}

/** Bounds the project's progress note after a session and commits the change, if there is one. */
export async function boundProgressNote(projectDir: string, keep = SESSIONS_KEPT): Promise<boolean> {
  const path = join(projectDir, PROGRESS_NOTE);
  if (!existsSync(path)) return false;
  const bounded = boundNote(readFileSync(path, "utf8"), keep);
  if (bounded === null) return false;
  writeFileSync(path, bounded);
  await commitFile(projectDir, PROGRESS_NOTE, `Baton: keep ${PROGRESS_NOTE} to the last ${keep} sessions`);
  return true;
}
