import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The commit HEAD points at in `dir`, or null when it is not a repository or has no commit yet. */
export async function headCommit(dir: string): Promise<string | null> {
  try {
    const { stdout } = await run("git", ["rev-parse", "--verify", "HEAD"], { cwd: dir });
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
  try {
    await run("git", ["rev-parse", "--git-dir"], { cwd: dir });
  } catch {
    await run("git", ["init", "--quiet", "--initial-branch=main"], { cwd: dir });
  }
  await ensureIdentity(dir, "any");
}

/**
 * Writes a commit identity into the repository's own config where git has none: with `any`, when
 * no config (global included) has one; with `local`, when the repository itself has none (for a
 * container, which cannot see the user's global config): the user's global identity, or Baton's.
 */
export async function ensureIdentity(dir: string, scope: "any" | "local"): Promise<void> {
  const read = (args: string[]) =>
    run("git", ["config", ...args], { cwd: dir }).then(
      (r) => r.stdout.trim(),
      () => "",
    );
  for (const [key, fallback] of [
    ["user.name", "Baton"],
    ["user.email", "baton@localhost"],
  ] as const) {
    if ((await read(scope === "local" ? ["--local", key] : [key])) !== "") continue;
    const value = (scope === "local" ? await read([key]) : "") || fallback;
    await run("git", ["config", key, value], { cwd: dir });
  }
}

/** Commits one file on its own (other changes in the tree are left as they are); no-op outside a repository. */
export async function commitFile(dir: string, file: string, message: string): Promise<void> {
  try {
    await run("git", ["rev-parse", "--git-dir"], { cwd: dir });
  } catch {
    return;
  }
  await run("git", ["add", "--", file], { cwd: dir });
  await run("git", ["commit", "--quiet", "-m", message, "--", file], { cwd: dir });
}

/** The top directory of the repository `dir` is in, or null when it is not in one. */
export async function repositoryRoot(dir: string): Promise<string | null> {
  try {
    const { stdout } = await run("git", ["rev-parse", "--show-toplevel"], { cwd: dir });
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

/** Whether `ref` names a commit of the repository in `dir`. */
export async function commitExists(dir: string, ref: string): Promise<boolean> {
  return run("git", ["cat-file", "-e", `${ref}^{commit}`], { cwd: dir }).then(
    () => true,
    () => false,
  );
}

/** `<short sha> <subject>` of each commit reachable from HEAD but not from `ref`, newest first. */
export async function commitsSince(dir: string, ref: string): Promise<string[]> {
  const { stdout } = await run("git", ["log", "--format=%h %s", `${ref}..HEAD`], { cwd: dir });
  return stdout.split("\n").filter(Boolean);
}

/** Tracked paths whose working-tree content differs from commit `ref` (changed, added or deleted). */
export async function pathsChangedSince(dir: string, ref: string): Promise<string[]> {
  const { stdout } = await run("git", ["diff", "--name-only", "--no-renames", "-z", ref, "--"], {
    cwd: dir,
  });
  return stdout.split("\0").filter(Boolean);
}

/**
 * Untracked paths that are not ignored, a wholly untracked folder as `folder/` (what
 * `git clean -d` would remove), leaving out what matches the `keep` patterns.
 */
export async function untrackedPaths(dir: string, keep: readonly string[] = []): Promise<string[]> {
  const { stdout } = await run(
    "git",
    ["ls-files", "--others", "--exclude-standard", "--directory", "-z", ...keep.map((k) => `--exclude=${k}`)],
    { cwd: dir },
  );
  return stdout.split("\0").filter(Boolean);
}

/** `git reset --hard ref`: HEAD, the index and the tracked files become those of `ref`. */
export async function resetHard(dir: string, ref: string): Promise<void> {
  await run("git", ["reset", "--hard", "--quiet", ref], { cwd: dir });
}

/**
 * `git clean -fd`: removes untracked files and folders that are not ignored, except what matches
 * the `keep` patterns. Ignored files stay (no -x). Returns what was removed.
 */
export async function cleanUntracked(dir: string, keep: readonly string[] = []): Promise<string[]> {
  const removed = await untrackedPaths(dir, keep);
  await run("git", ["clean", "-f", "-d", "--quiet", ...keep.flatMap((k) => ["-e", k])], { cwd: dir });
  return removed;
}

/**
 * Adds `patterns` (with a comment line saying why) to the repository's own `.git/info/exclude`,
 * those not there yet; no-op outside a repository. The project's `.gitignore` is left alone.
 */
export async function excludeFromGit(dir: string, patterns: readonly string[], why: string): Promise<void> {
  let file: string;
  try {
    const { stdout } = await run("git", ["rev-parse", "--git-path", "info/exclude"], { cwd: dir });
    file = path.resolve(dir, stdout.trim());
  } catch {
    return;
  }
  const current = existsSync(file) ? readFileSync(file, "utf8") : "";
  const lines = new Set(current.split("\n"));
  const missing = patterns.filter((p) => !lines.has(p));
  if (missing.length === 0) return;
  mkdirSync(path.dirname(file), { recursive: true });
  const sep = current === "" || current.endsWith("\n") ? "" : "\n";
  writeFileSync(file, `${current}${sep}# ${why}\n${missing.join("\n")}\n`);
}
