import { execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isBatonError } from "../../src/errors.ts";
import { defuseRepositoryConfig, hostGit } from "../../src/security/host-git.ts";
import {
  cleanUntracked,
  commitFile,
  ensureIdentity,
  ensureRepository,
  excludeFromGit,
  headCommit,
  pathsChangedSince,
  resetHard,
  untrackedPaths,
} from "../../src/util/git.ts";
import { makeWorld } from "../helpers/world.ts";

/** Plain git, for setting the scene (what a session could run in its project). */
function git(dir: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: dir, env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1" } })
    .toString()
    .trim();
}

/** A project with one commit, as Baton creates projects. */
async function project() {
  const w = makeWorld();
  const dir = join(w.root, "app");
  mkdirSync(dir);
  await ensureRepository(dir);
  git(dir, "config", "user.name", "App Dev");
  git(dir, "config", "remote.origin.url", "https://example.com/app.git");
  writeFileSync(join(dir, "README.md"), "# App\n");
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "init");
  const marks = join(w.root, "marks");
  mkdirSync(marks);
  return { w, dir, marks, init: git(dir, "rev-parse", "HEAD") };
}

/** Everything a session could plant in its repository for git on the host to run. */
function plant(dir: string, marks: string): void {
  const touch = (name: string) => `touch ${join(marks, name)}`;
  const hooks = join(dir, "my-hooks");
  mkdirSync(hooks);
  for (const hook of [
    "pre-commit",
    "post-commit",
    "post-checkout",
    "reference-transaction",
    "post-index-change",
  ]) {
    for (const where of [hooks, join(dir, ".git", "hooks")]) {
      writeFileSync(join(where, hook), `#!/bin/sh\n${touch(`hook-${hook}`)}\n`);
      chmodSync(join(where, hook), 0o755);
    }
  }
  writeFileSync(join(dir, "included.cfg"), `[core]\n\tfsmonitor = ${touch("included-fsmonitor")}\n`);
  const settings: [string, string][] = [
    ["core.fsmonitor", touch("fsmonitor")],
    ["core.hooksPath", hooks],
    ["core.pager", touch("pager")],
    ["core.editor", touch("editor")],
    ["core.sshCommand", touch("ssh")],
    ["core.worktree", marks],
    ["filter.evil.clean", touch("filter-clean")],
    ["filter.evil.smudge", touch("filter-smudge")],
    ["filter.evil.process", touch("filter-process")],
    ["filter.evil.required", "true"],
    ["diff.evil.textconv", touch("textconv")],
    ["diff.external", touch("diff-external")],
    ["alias.st", `!${touch("alias")}`],
    ["commit.gpgSign", "true"],
    ["gpg.program", touch("gpg")],
    ["credential.helper", `!${touch("credential")}`],
    ["include.path", join(dir, "included.cfg")],
  ];
  for (const [key, value] of settings) git(dir, "config", key, value);
  writeFileSync(join(dir, ".gitattributes"), "* filter=evil diff=evil\n");
  writeFileSync(join(dir, ".git", "info", "attributes"), "* filter=evil diff=evil\n");
}

describe("git as Baton runs it on the host", () => {
  it("runs nothing a session planted in the repository, and removes those settings", async () => {
    const { dir, marks, init } = await project();
    plant(dir, marks);

    const removed = await defuseRepositoryConfig(dir);
    expect(removed.sort()).toEqual(
      [
        "alias.st",
        "commit.gpgsign",
        "core.editor",
        "core.fsmonitor",
        "core.hookspath",
        "core.pager",
        "core.sshcommand",
        "core.worktree",
        "credential.helper",
        "diff.evil.textconv",
        "diff.external",
        "filter.evil.clean",
        "filter.evil.process",
        "filter.evil.required",
        "filter.evil.smudge",
        "gpg.program",
        "include.path",
      ].sort(),
    );
    // What stays is what cannot run anything.
    const left = readFileSync(join(dir, ".git", "config"), "utf8");
    expect(git(dir, "config", "user.name")).toBe("App Dev");
    expect(git(dir, "config", "remote.origin.url")).toBe("https://example.com/app.git");
    expect(git(dir, "config", "core.repositoryformatversion")).toBe("0");
    expect(left).not.toMatch(/touch|fsmonitor|hooksPath|filter|include/i);

    // Re-planted between two of Baton's commands: each command defuses again before it runs.
    plant2(dir, marks);
    writeFileSync(join(dir, "claude-progress.md"), "# Progress\n");
    await commitFile(dir, "claude-progress.md", "Baton: a commit");
    expect(await headCommit(dir)).toMatch(/^[0-9a-f]{40}$/);
    writeFileSync(join(dir, "README.md"), "# Changed\n");
    writeFileSync(join(dir, "scratch.txt"), "x\n");
    expect(await pathsChangedSince(dir, init)).toEqual(["README.md", "claude-progress.md"]);
    expect(await untrackedPaths(dir)).toContain("scratch.txt");
    await ensureIdentity(dir, "local");
    excludeFromGit(dir, ["/.bashrc"], "Baton: a test");
    await resetHard(dir, init);
    await cleanUntracked(dir);

    expect(readdirSync(marks)).toEqual([]);
    expect(readFileSync(join(dir, "README.md"), "utf8")).toBe("# App\n");
    expect(existsSync(join(dir, "scratch.txt"))).toBe(false);
  });

  it("refuses a .git that is a link, a gitdir pointer or a linked worktree, and never climbs to a parent repository", async () => {
    const { w, dir } = await project();
    const other = join(w.root, "other");
    mkdirSync(other);
    git(other, "init", "-q");

    const linked = join(w.root, "linked");
    mkdirSync(linked);
    symlinkSync(join(dir, ".git"), join(linked, ".git"));
    const pointer = join(w.root, "pointer");
    mkdirSync(pointer);
    writeFileSync(join(pointer, ".git"), `gitdir: ${join(dir, ".git")}\n`);
    const worktree = join(w.root, "worktree");
    mkdirSync(join(worktree, ".git"), { recursive: true });
    writeFileSync(join(worktree, ".git", "commondir"), join(dir, ".git"));

    for (const [where, why] of [
      [linked, "symbolic link"],
      [pointer, "gitdir"],
      [worktree, "commondir"],
    ] as const) {
      const error = await hostGit(where, ["status"]).catch((e: unknown) => e);
      expect(isBatonError(error, "BATON_GIT_UNSAFE"), where).toBe(true);
      expect((error as Error).message).toContain(why);
      await expect(resetHard(where, "HEAD")).rejects.toThrow(/not a repository Baton runs git in/);
    }

    // A folder inside a repository, without a .git of its own, is not that repository.
    const inside = join(dir, "sub");
    mkdirSync(inside);
    expect(await headCommit(inside)).toBeNull();
    await expect(cleanUntracked(inside)).rejects.toThrow(/not a git repository/);
    expect(existsSync(join(dir, "README.md"))).toBe(true);
  });
});

/** A second planting, after Baton defused the first: a fresh fsmonitor and a filter. */
function plant2(dir: string, marks: string): void {
  git(dir, "config", "core.fsmonitor", `touch ${join(marks, "fsmonitor-2")}`);
  git(dir, "config", "filter.evil.clean", `touch ${join(marks, "filter-2")}`);
}
