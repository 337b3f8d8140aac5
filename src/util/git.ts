import { execFile } from "node:child_process";
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
  for (const [key, value] of [
    ["user.name", "Baton"],
    ["user.email", "baton@localhost"],
  ] as const) {
    const has = await run("git", ["config", key], { cwd: dir }).then(
      (r) => r.stdout.trim() !== "",
      () => false,
    );
    if (!has) await run("git", ["config", key, value], { cwd: dir });
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
