/**
 * Where destructive commands may reach: their path arguments must resolve (following symlinks)
 * inside the project, with protected names and broad wildcards refused. Tracks `cd`/`pushd`/
 * `popd` through the command line, so relative paths are judged from where they will run.
 */
import { statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { operands } from "./arguments.ts";
import { type Decision, deny } from "./decision.ts";
import type { Redirect, Word } from "./parse.ts";
import {
  describeOutside,
  expandBraces,
  GLOB_SEGMENT,
  insideProject,
  isInsideResolved,
  lexicalArg,
  normalized,
  type PathScope,
  type ResolvedPath,
  realpathExisting,
  resolveArg,
  segmentMatches,
} from "./paths.ts";
import { CHMOD_NUMERIC, CHMOD_SYMBOLIC, PROTECTED_NAMES } from "./rules.ts";

/** What a secret-read denial says about the secrets (see secret-paths.ts). */
const SECRET_KINDS = "credentials of your tools, Baton's data, .env files outside the project";

/** The options of `cd`/`pushd` (`-L`, `-P`, `-e`, `-@`). */
const CD_OPTION = /^-[LPe@]+$/;

/** Options that make a program work from another directory: its relative paths start there too. */
const CHDIR_OPTIONS = new Set(["-C", "--chdir", "--directory", "--cwd", "--prefix"]);

export class ProjectPaths {
  private scopeValue: PathScope | null = null;
  /** Set once a `cd` leaves the project or goes somewhere unknown: relative paths are no longer vouched for. */
  private leftProject = false;
  /** Set once a `cd` goes somewhere the policy can't know (`cd $X`, `cd -`). */
  private cwdUnknown = false;
  /**
   * Where bash may still be besides `scope.cwd`: a `cd` into a directory that does not exist (yet)
   * may fail, and after `;` (or `||`) the next command then runs where the shell was. Relative
   * paths are judged from each of these too (`cd missing; rm -rf ../other`).
   */
  private readonly fallbackCwds: string[] = [];
  private readonly dirStack: string[] = [];
  /** Resolutions made in this decision, by starting directory and argument. */
  private readonly resolved = new Map<string, Map<string, ResolvedPath | null>>();
  /** The secrets in both spellings: as given and through symlinks (looked up on first use). */
  private secretSpellings: string[] | null = null;
  private readonly projectDir: string;
  private readonly homeDir: string;

  /** `secrets`: absolute paths a session may not read (secretPaths()); none guards nothing. */
  constructor(
    projectDir: string,
    homeDir: string = os.homedir(),
    private readonly secrets: readonly string[] = [],
  ) {
    this.projectDir = path.resolve(projectDir);
    this.homeDir = path.resolve(homeDir);
  }

  /** Resolved on first use: a command line that names no path costs no file system call. */
  private get scope(): PathScope {
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

  /** Whether there are secrets to guard (the context named some). */
  get guardsSecrets(): boolean {
    return this.secrets.length > 0;
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
      for (const source of sources) {
        const problem = this.pathProblem(source, {
          protect: false,
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
  private possibleCwds(): string[] {
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
        return `\`${v}\` (a broad wildcard over the whole project; name the files or a subdirectory)`;
      }
      return null;
    }
    const resolved = this.resolve(v, cwd);
    if (resolved === null) return `\`${v}\` (another user's home directory)`;
    if (!insideProject(resolved, this.scope)) return `\`${v}\` (${describeOutside(resolved, this.scope)})`;
    if (!rules.allowProjectRoot && resolved.real === this.scope.project)
      return `\`${v}\` (the project directory itself)`;
    if (rules.protect) {
      const base = resolved.lexical.slice(resolved.lexical.lastIndexOf("/") + 1);
      const hit = PROTECTED_NAMES.has(base)
        ? base
        : protectedSegment(relativeInside(this.scope.project, resolved.real));
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
    const resolved: ResolvedPath | null = this.resolve(target.value);
    if (resolved === null) {
      this.leaveForUnknown();
      return null;
    }
    // Whatever runs next would read the secret's files by bare names (`cd ~/.aws && cat credentials`).
    const secret = this.guardsSecrets ? this.secretHolding(resolved) : null;
    if (secret !== null) return secretDenial("reads", target.value, resolved, text);
    if (!isDirectory(resolved.real)) this.fallbackCwds.push(this.scope.cwd);
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

  /**
   * Denies a simple command that names a secret: any word of it that looks like a path (holds a
   * `/`, or starts with `~` or `.`), the value of `--opt=PATH` and `@PATH`, brace expansions and
   * globs that can reach a secret, and its redirections. Relative paths start from the working
   * directory the `cd`s before it left, and also from the directory a `-C DIR` option names.
   */
  secretReads(
    name: Word,
    args: readonly Word[],
    redirects: readonly Redirect[],
    text: string,
  ): Decision | null {
    let base: ResolvedPath | null = null;
    for (let i = -1; i < args.length; i++) {
      const word = i < 0 ? name : (args[i] as Word);
      const problem = this.secretWord(word, "reads", text, base);
      if (problem !== null) return problem;
      const v = word.value;
      if (v === null || v.charCodeAt(0) !== 45 /* - */) continue;
      const eq = v.indexOf("=");
      const option = eq > 0 ? v.slice(0, eq) : v;
      if (!CHDIR_OPTIONS.has(option)) continue;
      const dir = eq > 0 ? v.slice(eq + 1) : args[i + 1]?.value;
      if (dir !== undefined && dir !== null) base = this.resolve(dir, this.scope.cwd);
    }
    return this.secretRedirects(redirects, text);
  }

  /** Denies redirections (`< ~/.ssh/id_rsa`, `> ~/.aws/config`) into a secret. */
  secretRedirects(redirects: readonly Redirect[], text: string): Decision | null {
    for (const r of redirects) {
      const problem = this.secretWord(r.target, r.writes ? "writes" : "reads", text, null);
      if (problem !== null) return problem;
    }
    return null;
  }

  private secretWord(
    word: Word,
    verb: "reads" | "writes",
    text: string,
    base: ResolvedPath | null,
  ): Decision | null {
    if (word.value !== null && !mayNamePath(word.value)) return null;
    for (const candidate of pathCandidates(word)) {
      const relative = !candidate.startsWith("/") && !candidate.startsWith("~");
      if (relative && this.cwdUnknown) {
        return deny(
          `${verb} \`${shownWord(candidate)}\` relative to a directory the policy could not follow (after \`cd\` to a variable, \`cd -\` or \`popd\`); use an absolute path, or stay in the project`,
          text,
        );
      }
      let problem: ResolvedPath | null = null;
      for (const cwd of relative ? this.possibleCwds() : [this.scope.cwd]) {
        problem ??= this.secretCandidate(candidate, cwd);
      }
      if (problem === null && relative && base !== null) problem = this.secretCandidate(candidate, base.real);
      if (problem !== null) return secretDenial(verb, candidate, problem, text);
    }
    return null;
  }

  /** Where `candidate` resolves when it lies in (or, as a glob, can reach into) a secret; else null. */
  private secretCandidate(candidate: string, start: string): ResolvedPath | null {
    if (!GLOB_SEGMENT.test(candidate)) {
      const resolved = this.resolveToRead(candidate, start);
      return resolved !== null && this.secretHolding(resolved) !== null ? resolved : null;
    }
    // `x*/..` folds away as path.resolve folds it; the glob starts at the first segment left holding one
    const segments = path.posix.normalize(candidate).split("/");
    const globAt = segments.findIndex((s) => GLOB_SEGMENT.test(s));
    if (globAt < 0) return this.secretCandidate(segments.join("/"), start);
    const literalPart = segments.slice(0, globAt).join("/") || (candidate.startsWith("/") ? "/" : ".");
    const resolved = this.resolveToRead(literalPart, start);
    if (resolved === null) return null;
    if (this.secretHolding(resolved) !== null) return resolved;
    // A glob below a directory that holds a secret (`~/.s*/id_rsa`, `~/.aws/*`): can it name it?
    const pattern = segments.slice(globAt).filter((s) => s !== "" && s !== ".");
    for (const secret of this.spellings()) {
      if (this.insideProjectPath(secret)) continue;
      for (const dir of [resolved.real, resolved.lexical]) {
        if (secret === dir || !isInsideResolved(secret, dir)) continue;
        const names = path.relative(dir, secret).split(path.sep);
        if (pattern.length >= names.length && names.every((n, i) => segmentMatches(pattern[i] ?? "", n))) {
          return { lexical: secret, real: secret };
        }
      }
    }
    return null;
  }

  /**
   * As resolve, for a path a command reads: one whose lookup fails (`EACCES` in a directory this
   * user cannot search) is judged by its spelling, since the session cannot read it either.
   */
  private resolveToRead(arg: string, start: string): ResolvedPath | null {
    try {
      return this.resolve(arg, start);
    } catch {
      const lexical = lexicalArg(arg, { ...this.scope, cwd: start });
      return lexical === null ? null : { lexical, real: lexical };
    }
  }

  /** `arg` resolved from `start` (the working directory by default); each answer is kept for the decision. */
  private resolve(arg: string, start: string = this.scope.cwd): ResolvedPath | null {
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

  /** The secret `r` lies in, unless it is the project's own file (as file-access.ts decides); null if none. */
  private secretHolding(r: ResolvedPath): string | null {
    // The real path decides whether a file is the project's own: a symlink inside the project
    // that leads into ~/.ssh still reads ~/.ssh. The lexical path counts too, outside the project.
    if (this.insideProjectPath(r.real)) return null;
    const spellings = this.spellings();
    const secret = insideOneOf(r.real, spellings);
    if (secret !== null || this.insideProjectPath(r.lexical)) return secret;
    return insideOneOf(r.lexical, spellings);
  }

  private insideProjectPath(p: string): boolean {
    return isInsideResolved(p, this.scope.project) || isInsideResolved(p, this.projectDir);
  }

  private spellings(): string[] {
    if (this.secretSpellings === null) {
      const given = this.secrets.map(normalized);
      const real = given.map((s) => realpathExisting(s, this.scope.cache));
      this.secretSpellings = [...new Set([...given, ...real])];
    }
    return this.secretSpellings;
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

/** The first of `dirs` that holds `p` (all absolute and normalized, as resolved paths are), or null. */
function insideOneOf(p: string, dirs: readonly string[]): string | null {
  for (const dir of dirs) if (isInsideResolved(p, dir)) return dir;
  return null;
}

/** `path.relative(dir, p)` for `p` inside `dir` (both absolute and normalized, as resolved paths are). */
function relativeInside(dir: string, p: string): string {
  if (p === dir) return "";
  if (dir === "/" && p.startsWith("/")) return p.slice(1);
  return p.startsWith(dir) && p.charCodeAt(dir.length) === 47
    ? p.slice(dir.length + 1)
    : path.relative(dir, p);
}

/** The strings in `word` that may name a file: itself, `--opt=PATH`'s PATH, `@PATH`'s PATH, brace expansions, `$HOME/…`. */
function pathCandidates(word: Word): string[] {
  let values: string[];
  const v = word.value;
  if (v !== null && looksLikePath(v) && !v.includes("=") && !v.startsWith("@")) return [v];
  if (v !== null) values = [v];
  else if (word.braced !== undefined) values = expandBraces(word.braced);
  else {
    const home = homeRelative(word.text);
    if (home === null) return [];
    values = [home];
  }
  const out: string[] = [];
  for (const value of values) {
    const eq = value.indexOf("=");
    for (const v of eq >= 0 ? [value, value.slice(eq + 1)] : [value]) {
      if (looksLikePath(v)) out.push(v);
      if (v.startsWith("@") && looksLikePath(v.slice(1))) out.push(v.slice(1));
    }
  }
  return out;
}

/** Whether a literal word could name a path in any of the ways pathCandidates reads it (a cheap test first). */
function mayNamePath(v: string): boolean {
  const c = v[0];
  return c === "~" || c === "." || c === "@" || v.includes("/") || v.includes("=~") || v.includes("=.");
}

function looksLikePath(v: string): boolean {
  return v.includes("/") || v.startsWith("~") || v.startsWith(".");
}

/** `$HOME/x`, `${HOME}/x`, `"$HOME/x"` as `~/x` when the rest is plain; otherwise null. */
function homeRelative(text: string): string | null {
  const match = /^("?)\$(?:HOME|\{HOME\})("?)(\/[^$`\\'"]*)?("?)$/.exec(text);
  if (match === null) return null;
  const quotes = `${match[1]}${match[2]}${match[4]}`;
  if (quotes.length % 2 !== 0) return null;
  return `~${match[3] ?? ""}`;
}

function shownWord(v: string): string {
  return v.replace(/\n/g, "\\n");
}

function secretDenial(
  verb: "reads" | "writes",
  given: string,
  resolved: ResolvedPath,
  text: string,
): Decision {
  const shown = shownWord(given);
  const where = resolved.real === given ? "" : ` (${shownWord(resolved.real)})`;
  return deny(
    `${verb === "reads" ? "reads a secret" : "writes to a secret"}: \`${shown}\`${where} is off limits to sessions (${SECRET_KINDS}); use the project's own files`,
    text,
  );
}

/** Whether `dir` is a directory now (a `cd` into it cannot fail for want of it). */
function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
