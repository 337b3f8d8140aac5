/**
 * Where destructive commands may reach: their path arguments must resolve (following symlinks)
 * inside the project, with protected names and broad wildcards refused. Tracks `cd`/`pushd`/
 * `popd` through the command line, so relative paths are judged from where they will run.
 */
import os from "node:os";
import path from "node:path";
import { operands } from "./arguments.ts";
import { type Decision, deny } from "./decision.ts";
import type { Word } from "./parse.ts";
import {
  describeOutside,
  insideProject,
  isInside,
  type PathScope,
  type ResolvedPath,
  realpathExisting,
  resolveArg,
} from "./paths.ts";
import { CHMOD_NUMERIC, CHMOD_SYMBOLIC, PROTECTED_NAMES } from "./rules.ts";

export class ProjectPaths {
  private readonly scope: PathScope;
  /** Set once a `cd` leaves the project or goes somewhere unknown: relative paths are no longer vouched for. */
  private leftProject = false;
  private readonly dirStack: string[] = [];

  constructor(projectDir: string, homeDir: string = os.homedir()) {
    const project = realpathExisting(path.resolve(projectDir));
    this.scope = { project, cwd: project, home: path.resolve(homeDir), cache: new Map() };
  }

  /** The working directory may have left the project (e.g. `env -C DIR`). */
  leaveProject(): void {
    this.leftProject = true;
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
    const segments = v.split("/");
    const globAt = segments.findIndex((s) => /[*?[]/.test(s));
    if (globAt >= 0) {
      if (rules.broadGlob && segments.some((s) => s.startsWith(".*"))) {
        return `\`${v}\` (a broad wildcard: \`.*\` reaches dotfiles and parent entries; name the files)`;
      }
      const base = segments.slice(0, globAt).join("/") || (v.startsWith("/") ? "/" : ".");
      const resolved = resolveArg(base, this.scope);
      if (resolved === null) return `\`${v}\` (another user's home directory)`;
      if (!insideProject(resolved, this.scope)) return `\`${v}\` (${describeOutside(resolved, this.scope)})`;
      if (rules.broadGlob && resolved.real === this.scope.project) {
        return `\`${v}\` (a broad wildcard over the whole project; name the files or a subdirectory)`;
      }
      return null;
    }
    const resolved = resolveArg(v, this.scope);
    if (resolved === null) return `\`${v}\` (another user's home directory)`;
    if (!insideProject(resolved, this.scope)) return `\`${v}\` (${describeOutside(resolved, this.scope)})`;
    if (!rules.allowProjectRoot && resolved.real === this.scope.project)
      return `\`${v}\` (the project directory itself)`;
    if (rules.protect) {
      const names = [
        ...path.relative(this.scope.project, resolved.real).split(path.sep),
        path.basename(resolved.lexical),
      ];
      const hit = names.find((n) => PROTECTED_NAMES.has(n));
      if (hit !== undefined) {
        return `\`${v}\` (\`${hit}\` is protected: the git repository, package.json, lockfiles and .env are never deleted)`;
      }
    }
    return null;
  }

  inProject(p: string): boolean {
    const resolved = resolveArg(p, this.scope);
    return resolved !== null && insideProject(resolved, this.scope);
  }

  changeDirectory(name: string, args: Word[]): void {
    if (name === "popd") {
      const previous = this.dirStack.pop();
      if (previous === undefined) this.leftProject = true;
      else this.setCwd(previous);
      return;
    }
    const target = args.find((w) => w.value === null || !/^-[LPe@]+$/.test(w.value));
    if (name === "pushd") this.dirStack.push(this.scope.cwd);
    if (target === undefined) {
      this.setCwd(this.scope.home);
      return;
    }
    if (target.value === null || target.value === "-" || /^[+-]\d+$/.test(target.value)) {
      this.leftProject = true;
      return;
    }
    const resolved: ResolvedPath | null = resolveArg(target.value, this.scope);
    if (resolved === null) this.leftProject = true;
    else this.setCwd(resolved.real);
  }

  private setCwd(dir: string): void {
    this.scope.cwd = dir;
    if (!isInside(dir, this.scope.project)) this.leftProject = true;
  }
}
