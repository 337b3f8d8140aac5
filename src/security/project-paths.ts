/**
 * Where destructive commands may reach: their path arguments must resolve (following symlinks,
 * as the kernel does) inside the project, with protected names and broad wildcards refused.
 * Tracks `cd`/`pushd`/`popd` (and CDPATH) and the variables the command line sets, so relative
 * paths are judged from where they will run; the secret rule (secret-reads.ts) resolves its
 * paths here too.
 */
import { statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { operands } from "./arguments.ts";
import { type Decision, deny } from "./decision.ts";
import {
  describeOutside,
  GLOB_SEGMENT,
  insideProject,
  isInsideResolved,
  knownDirectory,
  type PathScope,
  type ResolvedPath,
  realpathExisting,
  resolveArg,
  segmentMatches,
} from "./paths.ts";
import { CHMOD_NUMERIC, CHMOD_SYMBOLIC, PROTECTED_NAMES } from "./rules.ts";
import type { Word } from "./steps.ts";

/** The options of `cd`/`pushd` (`-L`, `-P`, `-e`, `-@`). */
const CD_OPTION = /^-[LPe@]+$/;

export class ProjectPaths {
  private scopeValue: PathScope | null = null;
  /** Set once a `cd` leaves the project or goes somewhere unknown: relative paths are no longer vouched for. */
  private leftProject = false;
  /** Set once a `cd` goes somewhere the policy can't know (`cd $X`, `cd -`). */
  cwdUnknown = false;
  /** Set once the command line sets CDPATH: `cd name` may then go anywhere CDPATH says. */
  private cdpath = false;
  /** Variables the command line set, with their values when literal (null: not known). */
  readonly variables = new Map<string, string | null>();
  /**
   * Where bash may still be besides `scope.cwd`: a `cd` into a directory that does not exist (yet)
   * may fail, and after `;` (or `||`) the next command then runs where the shell was. Relative
   * paths are judged from each of these too (`cd missing; rm -rf ../other`).
   */
  private readonly fallbackCwds: string[] = [];
  private readonly dirStack: string[] = [];
  private readonly directories = new Map<string, boolean>();
  /** Resolutions made in this decision, by starting directory and argument. */
  private readonly resolved = new Map<string, Map<string, ResolvedPath | null>>();
  private readonly projectDir: string;
  private readonly homeDir: string;
  /** Whether a directory a `cd` enters is a secret (set by the secret rule, when there is one). */
  enterCheck: ((resolved: ResolvedPath, given: string, text: string) => Decision | null) | null = null;

  constructor(projectDir: string, homeDir: string = os.homedir()) {
    this.projectDir = path.resolve(projectDir);
    this.homeDir = path.resolve(homeDir);
  }

  /** Resolved on first use: a command line that names no path costs no file system call. */
  get scope(): PathScope {
    if (this.scopeValue === null) {
      const cache = new Map<string, string>();
      const project = realpathExisting(this.projectDir, cache);
      this.scopeValue = { project, cwd: project, home: this.homeDir, cache };
    }
    return this.scopeValue;
  }

  /** The working directory may have left the project (e.g. `env -C DIR`). */
  leaveProject(): void {
    this.leftProject = true;
  }

  /** Where relative paths start now. */
  get cwd(): string {
    return this.scope.cwd;
  }

  get home(): string {
    return this.homeDir;
  }

  /** Real paths looked up for this decision (the file system does not change while it is judged). */
  get cache(): Map<string, string> {
    return this.scope.cache ?? new Map();
  }

  /** The scope as seen from `cwd`. */
  scopeAt(cwd: string): PathScope {
    return cwd === this.scope.cwd ? this.scope : { ...this.scope, cwd };
  }

  /** A variable the command line sets (`X=…`, `export X=…`, `X=… cmd`); null: its value is not known. */
  assign(name: string, value: string | null): void {
    this.variables.set(name, value);
    if (name === "CDPATH") this.cdpath = true;
  }

  /**
   * A link out of the project would let a later `rm link/…` (or a write through a hard link)
   * escape it, so every operand must resolve inside the project. A relative symlink target is
   * resolved from the link's directory, as the kernel does.
   */
  ln(args: Word[], text: string): Decision | null {
    const symbolic = args.some((w) => w.value === "--symbolic" || /^-[a-zA-Z]*s/.test(w.value ?? ""));
    const positional = operands(args);
    const link = positional.length >= 2 ? positional[positional.length - 1] : undefined;
    for (const w of positional) {
      let word = w;
      if (
        symbolic &&
        w !== link &&
        link?.value &&
        w.value !== null &&
        !w.value.startsWith("/") &&
        !w.value.startsWith("~")
      ) {
        const linkDir = link.value.endsWith("/") ? link.value : path.posix.dirname(link.value);
        word = { value: path.posix.join(linkDir, w.value), text: w.text };
      }
      const problem = this.pathProblem(word, { protect: false, broadGlob: false, allowProjectRoot: true });
      if (problem !== null)
        return deny(`ln may not link ${problem}; links out of the project are refused`, text);
    }
    return null;
  }

  rm(args: Word[], text: string): Decision | null {
    for (const target of operands(args)) {
      const problem = this.pathProblem(target, { protect: true, broadGlob: true, allowProjectRoot: false });
      if (problem !== null) return deny(`rm may not delete ${problem}`, text);
    }
    return null;
  }

  mvOrCp(name: "mv" | "cp", args: Word[], text: string): Decision | null {
    const positional: Word[] = [];
    let targetDir: Word | undefined;
    let options = true;
    for (let i = 0; i < args.length; i++) {
      const w = args[i] as Word;
      const v = w.value;
      if (options && v === "--") {
        options = false;
      } else if (options && (v === "-t" || v === "--target-directory")) {
        targetDir = args[++i];
      } else if (options && v?.startsWith("--target-directory=")) {
        targetDir = { value: v.slice(19), text: w.text };
      } else if (options && v?.startsWith("-") && v !== "-") {
        // an option
      } else {
        positional.push(w);
      }
    }
    const target = targetDir ?? (positional.length >= 2 ? positional[positional.length - 1] : undefined);
    const sources = targetDir !== undefined ? positional : positional.slice(0, -1);
    if (target !== undefined) {
      const problem = this.pathProblem(target, { protect: false, broadGlob: false, allowProjectRoot: true });
      if (problem !== null) return deny(`${name} may not write to ${problem}`, text);
    }
    if (name === "mv") {
      // Moving a protected name away is deleting it in two steps (`mv .git x && rm -rf x`).
      for (const source of sources) {
        const problem = this.pathProblem(source, {
          protect: true,
          broadGlob: false,
          allowProjectRoot: false,
        });
        if (problem !== null) return deny(`mv may not move ${problem}`, text);
      }
    }
    return null;
  }

  chmod(args: Word[], text: string): Decision | null {
    const rest: Word[] = [];
    let options = true;
    for (const w of args) {
      const v = w.value;
      if (options && v === "--") options = false;
      else if (options && v?.startsWith("--reference"))
        return deny("chmod --reference is not allowed; use +x or 755", text);
      else if (options && v !== null && /^-[a-zA-Z]+$/.test(v) && !/^-[rwxXst]+$/.test(v)) continue;
      else if (options && v !== null && /^--[a-z-]+$/.test(v)) continue;
      else rest.push(w);
    }
    const [mode, ...paths] = rest;
    if (mode === undefined) return null;
    const m = mode.value;
    if (m === null || !(CHMOD_NUMERIC.has(m) || m.split(",").every((part) => CHMOD_SYMBOLIC.test(part)))) {
      return deny(
        `chmod may only make files executable (+x, u+x, a+x, 755, 775, 744); \`${mode.text}\` is not allowed`,
        text,
      );
    }
    for (const p of paths) {
      const problem = this.pathProblem(p, { protect: false, broadGlob: false, allowProjectRoot: true });
      if (problem !== null)
        return deny(`chmod may only change files inside the project; not ${problem}`, text);
    }
    return null;
  }

  /** What is wrong with a destructive command's path argument, or null when it is fine. */
  pathProblem(
    word: Word,
    rules: { protect: boolean; broadGlob: boolean; allowProjectRoot: boolean },
  ): string | null {
    const v = word.value;
    if (v === null)
      return `\`${word.text}\` (not a literal path: variables and substitutions can't be checked; write the path out)`;
    if (v === "") return null;
    const relative = !v.startsWith("/") && !v.startsWith("~");
    if (relative && this.leftProject) {
      return `\`${v}\` (a relative path after \`cd\` left the project can't be checked; use a path inside the project)`;
    }
    for (const cwd of relative ? this.possibleCwds() : [this.scope.cwd]) {
      const problem = this.pathProblemFrom(v, rules, cwd);
      if (problem !== null) {
        return cwd === this.scope.cwd
          ? problem
          : `${problem.slice(0, -1)}: where it runs if the \`cd\` before it fails, as that directory does not exist yet)`;
      }
    }
    return null;
  }

  /** The working directories a command may run in: the one `cd` went to, and those it may have failed to leave. */
  possibleCwds(): string[] {
    return [this.scope.cwd, ...this.fallbackCwds.filter((d) => d !== this.scope.cwd)];
  }

  private pathProblemFrom(
    v: string,
    rules: { protect: boolean; broadGlob: boolean; allowProjectRoot: boolean },
    cwd: string,
  ): string | null {
    const segments = GLOB_SEGMENT.test(v) ? v.split("/") : null;
    const globAt = segments === null ? -1 : segments.findIndex((s) => GLOB_SEGMENT.test(s));
    if (segments !== null && globAt >= 0) {
      if (rules.broadGlob && segments.some((s) => s.startsWith(".*"))) {
        return `\`${v}\` (a broad wildcard: \`.*\` reaches dotfiles and parent entries; name the files)`;
      }
      const base = segments.slice(0, globAt).join("/") || (v.startsWith("/") ? "/" : ".");
      const resolved = this.resolve(base, cwd);
      if (resolved === null) return `\`${v}\` (another user's home directory)`;
      if (!insideProject(resolved, this.scope)) return `\`${v}\` (${describeOutside(resolved, this.scope)})`;
      if (rules.broadGlob && resolved.real === this.scope.project) {
        // `rm *.log` is fine; a wildcard that can match the repository, package.json,
        // lockfiles or .env (`*`, `*.json`, `.e*`) is not.
        const first = segments[globAt] ?? "";
        const hit =
          globAt === segments.length - 1 ? [...PROTECTED_NAMES].find((n) => segmentMatches(first, n)) : first;
        if (hit !== undefined) {
          return `\`${v}\` (a broad wildcard over the whole project that can match \`${hit}\`; name the files or a subdirectory)`;
        }
      }
      return null;
    }
    const resolved = this.resolve(v, cwd);
    if (resolved === null) return `\`${v}\` (another user's home directory)`;
    if (resolved.unknown) return `\`${v}\` (through another process's /proc entry, which can't be followed)`;
    if (!insideProject(resolved, this.scope)) return `\`${v}\` (${describeOutside(resolved, this.scope)})`;
    if (!rules.allowProjectRoot && resolved.real === this.scope.project)
      return `\`${v}\` (the project directory itself)`;
    if (rules.protect) {
      const base = resolved.lexical.slice(resolved.lexical.lastIndexOf("/") + 1);
      const inside = relativeInside(this.scope.project, resolved.real);
      const hit = PROTECTED_NAMES.has(base) ? base : protectedSegment(inside);
      // A stale lock git left behind (`.git/index.lock` after a crashed git) may go.
      if (hit === ".git" && base.endsWith(".lock") && inside.startsWith(".git/")) return null;
      if (hit !== undefined) {
        return `\`${v}\` (\`${hit}\` is protected: the git repository, package.json, lockfiles and .env are never deleted)`;
      }
    }
    return null;
  }

  inProject(p: string): boolean {
    const resolved = this.resolve(p);
    return resolved !== null && insideProject(resolved, this.scope);
  }

  /** Follows `cd`/`pushd`/`popd`; a denial when the new directory lies inside a secret. */
  changeDirectory(name: string, args: Word[], text: string): Decision | null {
    if (name === "popd") {
      const previous = this.dirStack.pop();
      if (previous === undefined) this.leaveForUnknown();
      else this.setCwd(previous);
      return null;
    }
    let target: Word | undefined;
    for (const w of args) {
      if (w.value === null || !CD_OPTION.test(w.value)) {
        target = w;
        break;
      }
    }
    if (name === "pushd") this.dirStack.push(this.scope.cwd);
    if (target === undefined) {
      this.setCwd(this.scope.home);
      return null;
    }
    if (target.value === null || target.value === "-" || /^[+-]\d+$/.test(target.value)) {
      this.leaveForUnknown();
      return null;
    }
    // With CDPATH set, `cd name` goes to the first CDPATH entry holding `name`.
    if (this.cdpath && !/^(\.{1,2}(\/|$)|\/|~)/.test(target.value)) {
      this.leaveForUnknown();
      return null;
    }
    const resolved: ResolvedPath | null = this.resolve(target.value);
    if (resolved === null || resolved.unknown) {
      this.leaveForUnknown();
      return null;
    }
    // Whatever runs next would read the secret's files by bare names (`cd ~/.aws && cat credentials`).
    const secret = this.enterCheck?.(resolved, target.value, text) ?? null;
    if (secret !== null) return secret;
    if (!this.isDirectory(resolved.real) && !this.fallbackCwds.includes(this.scope.cwd)) {
      this.fallbackCwds.push(this.scope.cwd);
    }
    this.setCwd(resolved.real);
    return null;
  }

  private leaveForUnknown(): void {
    this.leftProject = true;
    this.cwdUnknown = true;
  }

  private setCwd(dir: string): void {
    this.scope.cwd = dir;
    if (!isInsideResolved(dir, this.scope.project)) this.leftProject = true;
  }

  /** `arg` resolved from `start` (the working directory by default); each answer is kept for the decision. */
  resolve(arg: string, start: string = this.scope.cwd): ResolvedPath | null {
    let from = this.resolved.get(start);
    if (from === undefined) {
      from = new Map();
      this.resolved.set(start, from);
    }
    let resolved = from.get(arg);
    if (resolved === undefined) {
      resolved = resolveArg(arg, start === this.scope.cwd ? this.scope : { ...this.scope, cwd: start });
      from.set(arg, resolved);
    }
    return resolved;
  }

  /** Whether `dir` is a directory now (a `cd` into it cannot fail for want of it); asked once per decision. */
  private isDirectory(dir: string): boolean {
    let known = this.directories.get(dir) ?? knownDirectory(dir, this.cache);
    if (known === undefined) {
      try {
        known = statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
      } catch {
        known = false;
      }
      this.directories.set(dir, known);
    }
    return known;
  }

  /** Whether `p` (absolute, normalized) is inside the project, in either spelling of it. */
  insideProjectPath(p: string): boolean {
    return isInsideResolved(p, this.scope.project) || isInsideResolved(p, this.projectDir);
  }
}

/** The longest protected name: longer segments need no look. */
const PROTECTED_LENGTH = Math.max(...[...PROTECTED_NAMES].map((n) => n.length));

/** The first segment of the relative path `rel` that is a protected name, if any. */
function protectedSegment(rel: string): string | undefined {
  for (let start = 0; start <= rel.length; ) {
    let end = rel.indexOf("/", start);
    if (end < 0) end = rel.length;
    if (end - start <= PROTECTED_LENGTH) {
      const name = rel.slice(start, end);
      if (PROTECTED_NAMES.has(name)) return name;
    }
    start = end + 1;
  }
  return undefined;
}

/** `path.relative(dir, p)` for `p` inside `dir` (both absolute and normalized, as resolved paths are). */
function relativeInside(dir: string, p: string): string {
  if (p === dir) return "";
  if (dir === "/" && p.startsWith("/")) return p.slice(1);
  return p.startsWith(dir) && p.charCodeAt(dir.length) === 47
    ? p.slice(dir.length + 1)
    : path.relative(dir, p);
}
