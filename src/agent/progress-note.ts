import { commitFile } from "../util/git.ts";
import { readContainedFile, writeContainedFile } from "../util/host-files.ts";

export const PROGRESS_NOTE = "claude-progress.md";
export const SESSIONS_KEPT = 5;
/** A progress note past this is left as it is (Baton reads no more of a file the session wrote). */
const NOTE_MAX_BYTES = 10_000_000;

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

/**
 * Bounds the project's progress note after a session and commits the change, if there is one.
 * The note is the session's file: it is read and replaced without following links (a note that
 * is a link, or not a regular file, is refused with BATON_PROJECT_FILE_UNSAFE).
 */
export async function boundProgressNote(projectDir: string, keep = SESSIONS_KEPT): Promise<boolean> {
  const text = readContainedFile(projectDir, PROGRESS_NOTE, NOTE_MAX_BYTES);
  if (text === null) return false;
  const bounded = boundNote(text, keep);
  if (bounded === null) return false;
  writeContainedFile(projectDir, PROGRESS_NOTE, bounded);
  await commitFile(projectDir, PROGRESS_NOTE, `Baton: keep ${PROGRESS_NOTE} to the last ${keep} sessions`);
  return true;
}
