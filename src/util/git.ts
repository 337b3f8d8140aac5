/**
 * The git operations Baton runs on the host in a project's repository. Every one goes through
 * hostGit (security/host-git.ts): the repository must be the project's own, its config is
 * defused, hooks and helper programs are off.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { hostGit, ownGitDir } from "../security/host-git.ts";
import { readContainedFile, writeContainedFile } from "./host-files.ts";

/** The commit HEAD points at in `dir`, or null when it is not a repository or has no commit yet. */
export async function headCommit(dir: string): Promise<string | null> {
  try {
    const { stdout } = await hostGit(dir, ["rev-parse", "--verify", "HEAD"]);
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

/**
 * Makes `dir` a git repository if it is not one, and gives it a local commit identity when git
 * has none, so sessions can always commit.
 */
export async function ensureRepository(dir: string): Promise<void> {
  if (ownGitDir(dir) === null)
    await hostGit(dir, ["init", "--quiet", "--initial-branch=main"], { init: true });
  await ensureIdentity(dir, "any");
}

/**
 * Writes a commit identity into the repository's own config where git has none: with `any`, when
 * no config (global included) has one; with `local`, when the repository itself has none (for a
 * container, which cannot see the user's global config): the user's global identity, or Baton's.
 */
export async function ensureIdentity(dir: string, scope: "any" | "local"): Promise<void> {
  const read = (args: string[]) =>
    hostGit(dir, ["config", ...args]).then(
      (r) => r.stdout.trim(),
      () => "",
    );
  for (const [key, fallback] of [
    ["user.name", "Baton"],
    ["user.email", "baton@localhost"],
  ] as const) {
    if ((await read(scope === "local" ? ["--local", key] : [key])) !== "") continue;
    const value = (scope === "local" ? await read([key]) : "") || fallback;
    await hostGit(dir, ["config", key, value]);
  }
}

/** Commits one file on its own (other changes in the tree are left as they are); no-op outside a repository. */
export async function commitFile(dir: string, file: string, message: string): Promise<void> {
  if (ownGitDir(dir) === null) return;
  await hostGit(dir, ["add", "--", file]);
  await hostGit(dir, ["commit", "--quiet", "--no-verify", "-m", message, "--", file]);
}

/**
 * `dir` itself when it is the top of a repository of its own (its `.git` a real folder), null
 * when it is no repository; BATON_GIT_UNSAFE when its `.git` is a link or points elsewhere.
 */
export function repositoryRoot(dir: string): string | null {
  return ownGitDir(dir) === null ? null : dir;
}

/** Whether `ref` names a commit of the repository in `dir`. */
export async function commitExists(dir: string, ref: string): Promise<boolean> {
  return hostGit(dir, ["cat-file", "-e", `${ref}^{commit}`]).then(
    () => true,
    () => false,
  );
}

/** `<short sha> <subject>` of each commit reachable from HEAD but not from `ref`, newest first. */
export async function commitsSince(dir: string, ref: string): Promise<string[]> {
  const { stdout } = await hostGit(dir, ["log", "--format=%h %s", `${ref}..HEAD`]);
  return stdout.split("\n").filter(Boolean);
}

/** Tracked paths whose working-tree content differs from commit `ref` (changed, added or deleted). */
export async function pathsChangedSince(dir: string, ref: string): Promise<string[]> {
  const { stdout } = await hostGit(dir, [
    "diff",
    "--name-only",
    "--no-renames",
    "--no-ext-diff",
    "-z",
    ref,
    "--",
  ]);
  return stdout.split("\0").filter(Boolean);
}

/**
 * Untracked paths that are not ignored, a wholly untracked folder as `folder/` (what
 * `git clean -d` would remove), leaving out what matches the `keep` patterns.
 */
export async function untrackedPaths(dir: string, keep: readonly string[] = []): Promise<string[]> {
  const { stdout } = await hostGit(dir, [
    "ls-files",
    "--others",
    "--exclude-standard",
    "--directory",
    "-z",
    ...keep.map((k) => `--exclude=${k}`),
  ]);
  return stdout.split("\0").filter(Boolean);
}

/** `git reset --hard ref`: HEAD, the index and the tracked files become those of `ref`. */
export async function resetHard(dir: string, ref: string): Promise<void> {
  await hostGit(dir, ["reset", "--hard", "--quiet", ref]);
}

/**
 * `git clean -fd`: removes untracked files and folders that are not ignored, except what matches
 * the `keep` patterns. Ignored files stay (no -x). Returns what was removed.
 */
export async function cleanUntracked(dir: string, keep: readonly string[] = []): Promise<string[]> {
  const removed = await untrackedPaths(dir, keep);
  await hostGit(dir, ["clean", "-f", "-d", "--quiet", ...keep.flatMap((k) => ["-e", k])]);
  return removed;
}

const EXCLUDE_FILE = ".git/info/exclude";

/**
 * Adds `patterns` (with a comment line saying why) to the repository's own `.git/info/exclude`,
 * those not there yet; no-op outside a repository. The project's `.gitignore` is left alone.
 * Read and replaced without following links (host-files.ts).
 */
export function excludeFromGit(dir: string, patterns: readonly string[], why: string): void {
  const gitDir = ownGitDir(dir);
  if (gitDir === null) return;
  mkdirSync(path.join(gitDir, "info"), { recursive: true });
  const current = readContainedFile(dir, EXCLUDE_FILE, 1_000_000) ?? "";
  const lines = new Set(current.split("\n"));
  const missing = patterns.filter((p) => !lines.has(p));
  if (missing.length === 0) return;
  const sep = current === "" || current.endsWith("\n") ? "" : "\n";
  writeContainedFile(dir, EXCLUDE_FILE, `${current}${sep}# ${why}\n${missing.join("\n")}\n`);
}
