/**
 * Git as Baton runs it on the host (commits after sessions, reset, reading HEAD), in a
 * repository a session writes. Git runs programs named by its configuration and by files in the
 * repository — hooks, `core.fsmonitor`, `core.hooksPath`, filter drivers chosen by
 * `.gitattributes`, textconv and diff drivers, `include.path`, `core.worktree` pointing
 * elsewhere — so what a session planted there would run outside every sandbox. Before each use:
 *
 * - the repository must be the project's own: `<project>/.git` a real folder (not a link, not a
 *   `gitdir:` file, not a linked worktree's `commondir`), and git is told exactly where it is
 *   (GIT_DIR, GIT_WORK_TREE, and GIT_CEILING_DIRECTORIES so it never climbs to a parent repo);
 * - its `config` keeps only settings that cannot run anything (an allowlist: identity, branches,
 *   remotes' URLs, line endings, …); every other setting is removed, and the removal reported;
 * - git runs with hooks off (`core.hooksPath=/dev/null`), no fsmonitor, no pager, editor,
 *   credential helper or signing program, and without the person's own GIT_* variables.
 *
 * Attributes (`.gitattributes`) can then only name filter or diff drivers that the person's own
 * (global or system) configuration defines, which is theirs to trust.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { type BatonError, fail } from "../errors.ts";
import { writeContainedFile } from "../util/host-files.ts";

const run = promisify(execFile);

/** Settings git may keep in a project's own config: none of them runs a program. */
const ALLOWED_SETTINGS = [
  /^core\.(repositoryformatversion|filemode|bare|logallrefupdates|ignorecase|precomposeunicode|autocrlf|eol|safecrlf|symlinks|quotepath|abbrev|compression|bigfilethreshold)$/,
  /^extensions\.objectformat$/,
  /^user\.(name|email)$/,
  /^init\.defaultbranch$/,
  /^branch\..+\.(remote|merge|rebase|description)$/,
  /^remote\.[^.]+\.(url|fetch|pushurl|tagopt|prune)$/,
  /^(pull\.(rebase|ff)|push\.default|fetch\.prune|merge\.(ff|conflictstyle)|rebase\.autostash)$/,
  /^(color|advice|i18n|gc|pack|index|status|log|format|column|help)\.[^.]+$/,
];

/** Set on every command line: they win over any config file. */
const DEFUSED = [
  "core.bare=false",
  "core.hooksPath=/dev/null",
  "core.fsmonitor=false",
  "core.untrackedCache=false",
  "core.pager=cat",
  "core.editor=true",
  "sequence.editor=true",
  "core.sshCommand=false",
  "core.askPass=",
  "credential.helper=",
  "commit.gpgSign=false",
  "tag.gpgSign=false",
  "diff.external=",
  "protocol.allow=never",
].flatMap((setting) => ["-c", setting]);

/** What git needs from the environment; nothing of the person's GIT_* variables. */
const PASSED_ENV = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "TMPDIR", "XDG_CONFIG_HOME"];

const CONFIG_MAX_BYTES = 1_000_000;
/** Config contents already checked clean (by hash), so each call costs one read, not a parse. */
const checkedClean = new Set<string>();

function unsafe(dir: string, why: string): BatonError {
  return fail("BATON_GIT_UNSAFE", {
    directory: dir,
    reason: `is not a repository Baton runs git in: ${why}; Baton runs git on this machine only in a project's own .git folder`,
  });
}

/** The project's `.git` folder, checked; null when there is none (not a repository yet). */
export function ownGitDir(dir: string): string | null {
  const gitDir = path.join(dir, ".git");
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(gitDir);
  } catch {
    return null;
  }
  if (stat.isSymbolicLink()) throw unsafe(dir, ".git is a symbolic link");
  if (!stat.isDirectory()) throw unsafe(dir, ".git is a file (a `gitdir:` pointer to another repository)");
  if (existsSync(path.join(gitDir, "commondir"))) {
    throw unsafe(dir, ".git/commondir makes it share another repository's config and history");
  }
  return gitDir;
}

/** The environment of every host git command in `dir`. */
function gitEnv(dir: string, gitDir: string, host: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSED_ENV) {
    const value = host[name];
    if (value !== undefined) env[name] = value;
  }
  return {
    ...env,
    GIT_DIR: gitDir,
    GIT_WORK_TREE: dir,
    GIT_CEILING_DIRECTORIES: path.dirname(dir),
    GIT_TERMINAL_PROMPT: "0",
    GIT_OPTIONAL_LOCKS: "0",
  };
}

/** `name=value` pairs of a config file, read by git as data (no includes, no other config). */
async function settingsOf(file: string): Promise<{ key: string; value: string }[]> {
  const { stdout } = await run("git", ["config", "--file", file, "--no-includes", "--list", "-z"], {
    cwd: "/",
    env: {
      PATH: process.env.PATH ?? "",
      // No repository, no other config: the file is only read.
      GIT_DIR: "/nonexistent-baton-git-dir",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
    },
    maxBuffer: 4 * CONFIG_MAX_BYTES,
  });
  return stdout
    .split("\0")
    .filter(Boolean)
    .map((entry) => {
      const newline = entry.indexOf("\n");
      return newline < 0
        ? { key: entry, value: "true" }
        : { key: entry.slice(0, newline), value: entry.slice(newline + 1) };
    });
}

function allowed(key: string): boolean {
  const lower = key.toLowerCase();
  return ALLOWED_SETTINGS.some((pattern) => pattern.test(lower));
}

/**
 * Removes from the repository's own config every setting that is not known to be harmless, and
 * says which it removed (none: []). The config is replaced whole (written beside it, renamed
 * over it); a config that is a link or not a regular file is refused.
 */
export async function defuseRepositoryConfig(dir: string): Promise<string[]> {
  const gitDir = ownGitDir(dir);
  if (gitDir === null) return [];
  const file = path.join(gitDir, "config");
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(file);
  } catch {
    return [];
  }
  if (stat.isSymbolicLink() || !stat.isFile()) throw unsafe(dir, ".git/config is not a regular file");
  if (stat.size > CONFIG_MAX_BYTES) throw unsafe(dir, `.git/config is ${stat.size} bytes`);
  const text = readFileSync(file, "utf8");
  const hash = createHash("sha256").update(text).digest("hex");
  if (checkedClean.has(hash)) return [];
  const settings = await settingsOf(file);
  const removed = settings.filter((s) => !allowed(s.key)).map((s) => s.key);
  if (removed.length === 0) {
    checkedClean.add(hash);
    return [];
  }
  writeContainedFile(dir, ".git/config", configText(settings.filter((s) => allowed(s.key))));
  return [...new Set(removed)];
}

/** A config file holding `settings` (keys as `section.sub.name`), in git's own format. */
function configText(settings: { key: string; value: string }[]): string {
  const sections = new Map<string, string[]>();
  for (const { key, value } of settings) {
    const first = key.indexOf(".");
    const last = key.lastIndexOf(".");
    const section = key.slice(0, first);
    const header = first === last ? `[${section}]` : `[${section} "${quoted(key.slice(first + 1, last))}"]`;
    const lines = sections.get(header) ?? [];
    lines.push(`\t${key.slice(last + 1)} = "${quoted(value)}"`);
    sections.set(header, lines);
  }
  return [...sections].map(([header, lines]) => `${header}\n${lines.join("\n")}\n`).join("");
}

function quoted(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n").replaceAll("\t", "\\t");
}

export interface HostGitOptions {
  /** The environment to take PATH, HOME and the locale from (default: Baton's own). */
  env?: NodeJS.ProcessEnv;
  /** Run where there is no repository yet (`git init`). */
  init?: boolean;
}

/**
 * Runs `git <args>` in the project `dir`, defused (see above). Throws BATON_GIT_UNSAFE when the
 * repository is not the project's own, and git's own error when the command fails.
 */
export async function hostGit(
  dir: string,
  args: readonly string[],
  options: HostGitOptions = {},
): Promise<{ stdout: string; stderr: string }> {
  const gitDir = ownGitDir(dir);
  if (gitDir === null && !options.init) {
    throw fail("BATON_GIT_UNSAFE", {
      directory: dir,
      reason: "is not a git repository (it has no .git folder)",
    });
  }
  if (gitDir !== null) await defuseRepositoryConfig(dir);
  return run("git", [...DEFUSED, ...args], {
    cwd: dir,
    env: gitEnv(dir, gitDir ?? path.join(dir, ".git"), options.env ?? process.env),
    maxBuffer: 64 * 1024 * 1024,
  });
}
