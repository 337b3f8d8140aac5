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
