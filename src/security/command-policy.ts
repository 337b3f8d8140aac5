/**
 * The shell command policy: judges a command line before a session runs it.
 *
 * The command is parsed with a real bash parser (./bash-parser.ts) and EVERY simple command in
 * it is judged — in lists, pipelines, subshells, $(…), `…`, <(…), function bodies, here-documents,
 * the strings given to `bash -c`/`sh -c`/`eval`/`trap`/`alias` (parsed in turn, to a depth
 * limit), and behind wrappers (env, command, builtin, exec, nice, nohup, timeout, time, xargs,
 * find -exec, watch). What cannot be parsed or checked is denied. Every decision carries one
 * line a model can act on.
 */
import os from "node:os";
import path from "node:path";
import type { Parser } from "web-tree-sitter";
import { loadBashParser } from "./bash-parser.ts";
import { flattenScript, type SimpleCommand, type Word } from "./parse.ts";
import {
  describeOutside,
  insideProject,
  isInside,
  type PathScope,
  type ResolvedPath,
  realpathExisting,
  resolveArg,
} from "./paths.ts";
import {
  CHMOD_NUMERIC,
  CHMOD_SYMBOLIC,
  DEFAULT_ALLOWED,
  DEFAULT_BLOCKED,
  DEV_PROCESSES,
  INTERPRETERS,
  isBlocked,
  PRIVILEGE_ESCALATION,
  PROTECTED_NAMES,
  SHELLS,
} from "./rules.ts";

export type PolicyMode = "blocklist" | "allowlist";

export interface PolicyContext {
  mode: PolicyMode;
  projectDir: string;
  extraBlocked: string[];
  extraAllowed: string[];
  /** Defaults to os.homedir(); tests point it elsewhere. */
  homeDir?: string;
}

export interface Decision {
  allowed: boolean;
  /** One line saying why, written for the model that asked. */
  reason: string;
  /** The simple command the decision is about (for denials). */
  command?: string;
}

/** How deep `bash -c "eval '…'"` may nest before the policy gives up and denies. */
export const MAX_SCRIPT_DEPTH = 5;
const MAX_WRAPPERS = 16;
const MAX_COMMANDS = 5_000;

/** Runs commands given as its arguments; the wrapper itself is not judged by the allowlist. */
const WRAPPERS = new Set([
  "busybox",
  "setsid",
  "stdbuf",
  "ionice",
  "env",
  "command",
  "builtin",
  "exec",
  "nice",
  "nohup",
  "timeout",
  "time",
  "xargs",
  "watch",
]);

/** Decides whether `command` may run. Never throws: failures are denials with a reason. */
export async function decideCommand(command: string, ctx: PolicyContext): Promise<Decision> {
  let parser: Parser;
  try {
    parser = await loadBashParser();
  } catch (error) {
    return { allowed: false, reason: `could not load the bash parser: ${messageOf(error)}` };
  }
  return decideWithParser(parser, command, ctx);
}

/** Loads the parser once and returns a synchronous decider (for hot paths such as tool hooks). */
export async function createCommandPolicy(): Promise<(command: string, ctx: PolicyContext) => Decision> {
  const parser = await loadBashParser();
  return (command, ctx) => decideWithParser(parser, command, ctx);
}

export function decideWithParser(parser: Parser, command: string, ctx: PolicyContext): Decision {
  try {
    const judge = new Judge(parser, ctx);
    const denial = judge.script(command, 0);
    if (denial !== null) return denial;
    const names = [...new Set(judge.seen)];
    return {
      allowed: true,
      reason:
        names.length === 0 ? "nothing to run" : `permitted by the ${ctx.mode} policy: ${names.join(", ")}`,
    };
  } catch (error) {
    return { allowed: false, reason: `could not judge the command: ${messageOf(error)}` };
  }
}

interface Invocation {
  name: Word;
  args: Word[];
  text: string;
  piped: boolean;
  stdin: (string | null)[];
}

class Judge {
  readonly seen: string[] = [];
  private readonly scope: PathScope;
  private readonly allowed: Set<string>;
  /** Set once a `cd` leaves the project or goes somewhere unknown: relative paths are no longer vouched for. */
  private leftProject = false;
  private readonly dirStack: string[] = [];
  private count = 0;

  constructor(
    private readonly parser: Parser,
    private readonly ctx: PolicyContext,
  ) {
    const project = realpathExisting(path.resolve(ctx.projectDir));
    this.scope = { project, cwd: project, home: path.resolve(ctx.homeDir ?? os.homedir()), cache: new Map() };
    this.allowed = new Set([...DEFAULT_ALLOWED, ...ctx.extraAllowed]);
  }

  script(source: string, depth: number, piped = false): Decision | null {
    if (depth > MAX_SCRIPT_DEPTH) {
      return deny(
        `scripts nested more than ${MAX_SCRIPT_DEPTH} deep (bash -c / eval inside each other)`,
        source,
      );
    }
    const flat = flattenScript(this.parser, source, piped);
    if (!flat.ok) return deny(`could not parse the command: ${flat.error}`, depth > 0 ? source : undefined);
    for (const cmd of flat.commands) {
      const denial = this.simple(cmd, depth);
      if (denial !== null) return denial;
    }
    return null;
  }

  private simple(cmd: SimpleCommand, depth: number): Decision | null {
    return this.invocation(cmd, depth, 0);
  }

  private invocation(inv: Invocation, depth: number, wrapped: number): Decision | null {
    const text = inv.text;
    if (++this.count > MAX_COMMANDS) return deny(`more than ${MAX_COMMANDS} commands in one call`);
    if (wrapped > MAX_WRAPPERS) return deny(`more than ${MAX_WRAPPERS} nested wrapper commands`, text);
    const rawName = inv.name.value;
    if (rawName === null) {
      return deny(
        `the command name \`${inv.name.text}\` is not a literal (variables and substitutions can't be checked); write the command name out`,
        text,
      );
    }
    if (rawName.trim() === "") return deny("the command name is empty", text);
    if (/[*?[]/.test(rawName) && rawName !== "[") {
      return deny(`the command name \`${rawName}\` contains a wildcard; write the command name out`, text);
    }
    const name = rawName.includes("/") ? path.posix.basename(rawName) : rawName;
    this.seen.push(name);

    if (PRIVILEGE_ESCALATION.has(name)) {
      return deny(
        `\`${name}\` is never allowed: sessions do not escalate privileges; work as the current user inside the project`,
        text,
      );
    }
    if (this.ctx.mode === "blocklist" && isBlocked(name, DEFAULT_BLOCKED)) {
      return deny(
        `\`${name}\` is blocked by the command policy (it changes the system outside the project)`,
        text,
      );
    }
    if (isBlocked(name, this.ctx.extraBlocked)) {
      return deny(`\`${name}\` is blocked by security.extra_blocked_commands`, text);
    }
    if (
      this.ctx.mode === "allowlist" &&
      !WRAPPERS.has(name) &&
      !this.allowed.has(name) &&
      !(rawName.includes("/") && this.inProject(rawName))
    ) {
      return deny(
        `\`${name}\` is not in the allowlist (allowlist mode); use an allowed command, or add it to security.extra_allowed_commands`,
        text,
      );
    }

    const args = inv.args;
    const inner = (start: number, keepStdin: boolean): Decision | null => {
      const rest = args.slice(start);
      const [head, ...tail] = rest;
      if (head === undefined) return null;
      return this.invocation(
        {
          name: head,
          args: tail,
          text: rest.map((w) => w.text).join(" "),
          piped: keepStdin && inv.piped,
          stdin: keepStdin ? inv.stdin : [],
        },
        depth,
        wrapped + 1,
      );
    };

    switch (name) {
      case "env":
        return this.env(inv, depth, inner);
      case "command": {
        const i = skipOptions(args, NO_VALUES);
        if (i === null) return nonLiteralOption(text);
        if (args.slice(0, i).some((w) => /^-[a-zA-Z]*[vV]/.test(w.value ?? ""))) return null;
        return inner(i, true);
      }
      case "builtin":
        return inner(0, true);
      case "exec":
        return withOptions(args, new Set(["-a"]), text, (i) => inner(i, true));
      case "nice":
        return withOptions(args, new Set(["-n", "--adjustment"]), text, (i) => inner(i, true));
      case "nohup":
      case "setsid":
      case "busybox":
        return withOptions(args, NO_VALUES, text, (i) => inner(i, true));
      case "stdbuf":
        return withOptions(args, new Set(["-i", "-o", "-e"]), text, (i) => inner(i, true));
      case "ionice":
        return withOptions(
          args,
          new Set(["-c", "-n", "-p", "-P", "-u", "--class", "--classdata"]),
          text,
          (i) => inner(i, true),
        );
      case "ln":
        return this.ln(args, text);
      case "time":
        return withOptions(args, new Set(["-f", "--format", "-o", "--output"]), text, (i) => inner(i, true));
      case "timeout":
        return withOptions(args, new Set(["-s", "--signal", "-k", "--kill-after"]), text, (i) =>
          inner(i + 1, true),
        );
      case "xargs":
        return withOptions(args, XARGS_VALUES, text, (i) => {
          const target = args[i]?.value;
          if (
            target !== undefined &&
            target !== null &&
            ["rm", "mv", "cp", "chmod"].includes(path.posix.basename(target))
          ) {
            return deny(
              `\`xargs ${target}\` would act on paths the policy can't see; list the paths, or use \`find DIR … -delete\` inside the project`,
              text,
            );
          }
          return inner(i, false);
        });
      case "watch":
        return withOptions(args, new Set(["-n", "--interval", "-q", "--equexit"]), text, (i) => {
          if (args.slice(0, i).some((w) => w.value === "-x" || w.value === "--exec")) return inner(i, false);
          return this.literalScript(args.slice(i), "watch", text, depth);
        });
      case "find":
        return this.find(inv, depth, wrapped);
      case "rm":
        return this.rm(args, text);
      case "mv":
        return this.mvOrCp("mv", args, text);
      case "cp":
        return this.mvOrCp("cp", args, text);
      case "chmod":
        return this.chmod(args, text);
      case "kill":
        return kill(args, text);
      case "pkill":
      case "killall":
        return pkill(name, args, text);
      case "eval":
        return this.literalScript(args, "eval", text, depth, inv.piped);
      case "trap": {
        const i = skipOptions(args, NO_VALUES);
        if (i === null) return nonLiteralOption(text);
        const action = args[i];
        if (action === undefined || args.length <= i + 1) return null;
        return this.literalScript([action], "trap", text, depth);
      }
      case "alias":
        for (const arg of args) {
          if (arg.value === null) return deny(`alias \`${arg.text}\` is not a literal`, text);
          const eq = arg.value.indexOf("=");
          if (eq > 0) {
            const denial = this.script(arg.value.slice(eq + 1), depth + 1);
            if (denial !== null) return denial;
          }
        }
        return null;
      case "cd":
      case "pushd":
      case "popd":
        this.changeDirectory(name, args);
        return null;
    }
    if (SHELLS.has(name)) return this.shell(name, inv, depth);
    if (INTERPRETERS.has(name)) return interpreter(name, inv);
    return null;
  }

  private env(
    inv: Invocation,
    depth: number,
    inner: (start: number, keepStdin: boolean) => Decision | null,
  ): Decision | null {
    const args = inv.args;
    let i = 0;
    while (i < args.length) {
      const v = args[i]?.value;
      if (v === null || v === undefined) return nonLiteralOption(inv.text);
      if (v === "--") {
        i++;
        break;
      }
      if (v.startsWith("-S") || v.startsWith("--split-string")) {
        // env -S 'cmd args' splits its string into a command line.
        const inline = v.startsWith("--split-string=")
          ? v.slice(15)
          : v.length > 2 && v.startsWith("-S")
            ? v.slice(2)
            : null;
        const parts = [...(inline === null ? [] : [inline]), ...args.slice(i + 1).map((w) => w.value)];
        if (parts.some((p) => p === null))
          return deny("the string given to `env -S` is not a literal", inv.text);
        return this.script(parts.join(" "), depth + 1, inv.piped);
      }
      if (v.startsWith("-") && v !== "-") {
        // env -C DIR runs the command elsewhere: relative paths are no longer vouched for.
        if (v.startsWith("-C") || v.startsWith("--chdir")) this.leftProject = true;
        i += ["-u", "--unset", "-C", "--chdir"].includes(v) ? 2 : 1;
        continue;
      }
      if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(v)) {
        i++;
        continue;
      }
      break;
    }
    while (i < args.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(args[i]?.value ?? "")) i++;
    return inner(i, true);
  }

  private shell(name: string, inv: Invocation, depth: number): Decision | null {
    const args = inv.args;
    let command = false;
    let fromStdin = false;
    let i = 0;
    for (; i < args.length; i++) {
      const v = args[i]?.value;
      if (v === null || v === undefined) {
        if (command) break;
        return deny(`an argument to \`${name}\` is not a literal (\`${args[i]?.text}\`)`, inv.text);
      }
      if (v === "--" || v === "-") {
        i++;
        if (v === "-") fromStdin = true;
        break;
      }
      if (/^[-+]o$/.test(v) || v === "--rcfile" || v === "--init-file") {
        i++;
        continue;
      }
      if (/^-[a-zA-Z]+$/.test(v)) {
        if (v.includes("c")) command = true;
        if (v.includes("s")) fromStdin = true;
        continue;
      }
      if (v.startsWith("--") || /^\+[a-zA-Z]+$/.test(v)) continue;
      break;
    }
    if (command) {
      const scriptWord = args[i];
      if (scriptWord === undefined) return deny(`\`${name} -c\` without a command string`, inv.text);
      if (scriptWord.value === null) {
        return deny(
          `the script given to \`${name} -c\` is not a literal (\`${scriptWord.text}\`); write the commands out`,
          inv.text,
        );
      }
      return this.script(scriptWord.value, depth + 1, inv.piped);
    }
    if (i < args.length && !fromStdin) return null; // runs a script file; its contents are not judged here
    if (inv.stdin.length > 0) {
      for (const body of inv.stdin) {
        if (body === null) return deny(`the here-string given to \`${name}\` is not a literal`, inv.text);
        const denial = this.script(body, depth + 1);
        if (denial !== null) return denial;
      }
      return null;
    }
    if (inv.piped) return pipedInterpreter(name, inv.text);
    return null;
  }

  private literalScript(
    words: Word[],
    what: string,
    text: string,
    depth: number,
    piped = false,
  ): Decision | null {
    if (words.some((w) => w.value === null)) {
      return deny(
        `the string given to \`${what}\` is not a literal (variables and substitutions can't be checked)`,
        text,
      );
    }
    const source = words.map((w) => w.value).join(" ");
    return this.script(source, depth + 1, piped);
  }

  private find(inv: Invocation, depth: number, wrapped: number): Decision | null {
    const args = inv.args;
    let i = 0;
    while (i < args.length && /^-[HLP]$|^-O\d$/.test(args[i]?.value ?? "")) i++;
    if (args[i]?.value === "-D") i += 2;
    const starts: Word[] = [];
    while (i < args.length) {
      const v = args[i]?.value;
      if (v !== null && v !== undefined && (v.startsWith("-") || v === "(" || v === "!")) break;
      starts.push(args[i] as Word);
      i++;
    }
    const execs: Word[][] = [];
    let deletes = false;
    for (; i < args.length; i++) {
      const v = args[i]?.value;
      if (v === "-delete") deletes = true;
      if (v === "-exec" || v === "-execdir" || v === "-ok" || v === "-okdir") {
        const words: Word[] = [];
        for (i++; i < args.length && args[i]?.value !== ";" && args[i]?.value !== "+"; i++)
          words.push(args[i] as Word);
        execs.push(words);
      }
    }
    if (deletes || execs.length > 0) {
      for (const start of starts.length === 0 ? [literal(".")] : starts) {
        const problem = this.pathProblem(start, { protect: false, broadGlob: false, allowProjectRoot: true });
        if (problem !== null)
          return deny(`find may only delete or run commands under the project; not ${problem}`, inv.text);
      }
    }
    for (const words of execs) {
      const [head, ...tail] = words;
      if (head === undefined) return deny("find -exec without a command", inv.text);
      const denial = this.invocation(
        { name: head, args: tail, text: words.map((w) => w.text).join(" "), piped: false, stdin: [] },
        depth,
        wrapped + 1,
      );
      if (denial !== null) return denial;
    }
    return null;
  }

  /**
   * A link out of the project would let a later `rm link/…` (or a write through a hard link)
   * escape it, so every operand must resolve inside the project. A relative symlink target is
   * resolved from the link's directory, as the kernel does.
   */
  private ln(args: Word[], text: string): Decision | null {
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

  private rm(args: Word[], text: string): Decision | null {
    for (const target of operands(args)) {
      const problem = this.pathProblem(target, { protect: true, broadGlob: true, allowProjectRoot: false });
      if (problem !== null) return deny(`rm may not delete ${problem}`, text);
    }
    return null;
  }

  private mvOrCp(name: "mv" | "cp", args: Word[], text: string): Decision | null {
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

  private chmod(args: Word[], text: string): Decision | null {
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
  private pathProblem(
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

  private inProject(p: string): boolean {
    const resolved = resolveArg(p, this.scope);
    return resolved !== null && insideProject(resolved, this.scope);
  }

  private changeDirectory(name: string, args: Word[]): void {
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

const NO_VALUES: ReadonlySet<string> = new Set();
const XARGS_VALUES: ReadonlySet<string> = new Set([
  "-a",
  "-d",
  "-E",
  "-I",
  "-L",
  "-n",
  "-P",
  "-s",
  "--arg-file",
  "--delimiter",
  "--max-lines",
  "--max-args",
  "--max-procs",
  "--max-chars",
  "--process-slot-var",
]);

/** Index of the first argument after the leading options (and their values); null if one is not literal. */
function skipOptions(args: Word[], withValue: ReadonlySet<string>): number | null {
  let i = 0;
  while (i < args.length) {
    const v = args[i]?.value;
    if (v === null || v === undefined) return null;
    if (v === "--") return i + 1;
    if (!v.startsWith("-") || v === "-") return i;
    i += withValue.has(v) ? 2 : 1;
  }
  return i;
}

function withOptions(
  args: Word[],
  withValue: ReadonlySet<string>,
  text: string,
  then: (start: number) => Decision | null,
): Decision | null {
  const i = skipOptions(args, withValue);
  return i === null ? nonLiteralOption(text) : then(i);
}

function nonLiteralOption(text: string): Decision {
  return deny("a wrapper's option is not a literal, so the command it runs can't be known", text);
}

/** Non-option arguments (everything after `--`, and words not starting with `-`). */
function operands(args: Word[]): Word[] {
  const out: Word[] = [];
  let options = true;
  for (const w of args) {
    if (options && w.value === "--") options = false;
    else if (options && w.value?.startsWith("-") && w.value !== "-") continue;
    else out.push(w);
  }
  return out;
}

const CODE_FLAGS = new Set(["-c", "-m", "-e", "-E", "-p", "-r", "--eval", "--print"]);

function interpreter(name: string, inv: Invocation): Decision | null {
  if (!inv.piped || inv.stdin.length > 0) return null;
  for (const w of inv.args) {
    const v = w.value;
    if (v === null) return null;
    if (CODE_FLAGS.has(v) || v.startsWith("--eval=") || v.startsWith("--print=")) return null;
    if (v === "-") break;
    if (!v.startsWith("-")) return null; // a script file
  }
  return pipedInterpreter(name, inv.text);
}

function pipedInterpreter(name: string, text: string): Decision {
  return deny(
    `piping into an interpreter (\`| ${name}\`) runs code the policy can't see; save it to a file in the project and review it first`,
    text,
  );
}

// Numeric PIDs are allowed for now: the session does not yet track the processes it started
// (that comes with the process-tracking work), so kill cannot tell its own processes from others.
function kill(args: Word[], text: string): Decision | null {
  let i = 0;
  const first = args[0]?.value;
  if (first === null) return deny(`kill's argument \`${args[0]?.text}\` is not a literal`, text);
  if (first?.startsWith("-") && first !== "--") {
    if (first === "-l" || first === "-L") return null;
    i = first === "-s" || first === "-n" ? 2 : 1;
  }
  if (args[i]?.value === "--") i++;
  for (const w of args.slice(i)) {
    const v = w.value;
    if (v === null) return deny(`kill's argument \`${w.text}\` is not a literal PID`, text);
    if (/^%\S*$/.test(v)) continue;
    if (/^\d+$/.test(v)) {
      if (Number(v) <= 1)
        return deny(`kill may not signal PID ${v}; give the PID of a process you started`, text);
      continue;
    }
    if (/^-\d+$/.test(v)) return deny(`kill may not signal process group ${v}; give a single PID`, text);
    return deny(`kill takes PIDs (\`${v}\` is not one); stop a development server with \`pkill NAME\``, text);
  }
  return null;
}

const PKILL_VALUES = new Set([
  "--signal",
  "-u",
  "--euid",
  "-U",
  "--uid",
  "-g",
  "--pgroup",
  "-G",
  "--group",
  "-P",
  "--parent",
  "-s",
  "--session",
  "-t",
  "--terminal",
  "-F",
  "--pidfile",
  "--ns",
  "--nslist",
  "--user",
  "-o",
  "--older-than",
  "-y",
  "--younger-than",
]);

function pkill(name: string, args: Word[], text: string): Decision | null {
  const patterns: Word[] = [];
  let options = true;
  for (let i = 0; i < args.length; i++) {
    const w = args[i] as Word;
    const v = w.value;
    if (options && v === "--") options = false;
    else if (options && v !== null && PKILL_VALUES.has(v)) i++;
    else if (options && v?.startsWith("-") && v !== "-") continue;
    else patterns.push(w);
  }
  const devList = [...DEV_PROCESSES].join(", ");
  if (patterns.length === 0)
    return deny(`${name} needs the name of a development process (${devList})`, text);
  for (const p of patterns) {
    if (p.value === null) return deny(`${name}'s pattern \`${p.text}\` is not a literal`, text);
    const head = p.value.trim().split(/\s+/)[0] ?? "";
    const process = path.posix.basename(head.replace(/^\^/, "").replace(/\$$/, ""));
    if (!DEV_PROCESSES.has(process)) {
      return deny(
        `${name} may only stop development processes (${devList}); \`${p.value}\` is not one`,
        text,
      );
    }
  }
  return null;
}

function literal(value: string): Word {
  return { value, text: value };
}

function deny(reason: string, command?: string): Decision {
  return command === undefined ? { allowed: false, reason } : { allowed: false, reason, command };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
