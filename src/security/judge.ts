/**
 * Walks a parsed command line and judges every simple command in it: names, wrappers, shells
 * and eval (parsed in turn), find -exec, and the command-specific rules.
 */
import path from "node:path";
import type { Parser } from "web-tree-sitter";
import { systemAccounts } from "./accounts.ts";
import {
  type Invocation,
  NO_VALUES,
  nonLiteralOption,
  skipOptions,
  withOptions,
  XARGS_VALUES,
} from "./arguments.ts";
import { type Decision, deny, type PolicyContext } from "./decision.ts";
import { embeddedCommands } from "./embedded-commands.ts";
import { findRule } from "./find-rules.ts";
import { type GitPaths, gitCommand, gitVariable } from "./git-rules.ts";
import { networkTool, protectedEndpoint } from "./network-rules.ts";
import { flattenScript } from "./parse.ts";
import {
  builtAtRunTime,
  fedRule,
  interpreter,
  kill,
  pipedInterpreter,
  pkill,
  runTimeProgram,
  sourced,
  sourcesStdin,
} from "./process-rules.ts";
import { ProjectPaths } from "./project-paths.ts";
import {
  blockReason,
  DEFAULT_ALLOWED_SET,
  DEFAULT_BLOCKED,
  INTERPRETERS,
  isBlocked,
  PRIVILEGE_ESCALATION,
  SHELLS,
} from "./rules.ts";
import { SecretReads } from "./secret-reads.ts";
import type { Word } from "./steps.ts";
import {
  EXEC_VALUES,
  IONICE_VALUES,
  NICE_VALUES,
  STDBUF_VALUES,
  TIME_VALUES,
  TIMEOUT_VALUES,
  WATCH_VALUES,
  WRAPPERS,
} from "./wrappers.ts";

/** How deep `bash -c "eval '…'"` may nest before the policy gives up and denies. */
export const MAX_SCRIPT_DEPTH = 5;
const MAX_WRAPPERS = 16;
const MAX_COMMANDS = 5_000;

const WILDCARD = /[*?[]/;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

export class Judge {
  readonly seen: string[] = [];
  private readonly paths: ProjectPaths;
  /** The secret rule; null when the context names no secrets. */
  private readonly secrets: SecretReads | null;
  private count = 0;

  constructor(
    private readonly parser: Parser,
    private readonly ctx: PolicyContext,
  ) {
    this.paths = new ProjectPaths(ctx.projectDir, ctx.homeDir);
    const secrets = ctx.secrets ?? [];
    this.secrets =
      secrets.length === 0 ? null : new SecretReads(this.paths, secrets, ctx.accounts ?? systemAccounts());
    const rule = this.secrets;
    if (rule !== null)
      this.paths.enterCheck = (resolved, given, text) => rule.entering(resolved, given, text);
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
    const secrets = this.secrets;
    for (const step of flat.steps) {
      let denial: Decision | null = null;
      if (step.kind === "assign") {
        const value = step.value ?? secrets?.valueOf(step.valueText) ?? null;
        this.paths.assign(step.name, value);
        denial = this.assignment(step.name, value, step.text);
      } else if (step.kind === "redirects") {
        denial = secrets?.redirects(step.redirects, step.text) ?? null;
      } else {
        // Its words and redirections are read from where the `cd`s before it left.
        denial = secrets?.reads(step.name, step.args, step.redirects, step.text) ?? null;
        denial ??= this.invocation(step, depth, 0);
      }
      if (denial !== null) return denial;
    }
    return null;
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
    if (WILDCARD.test(rawName) && rawName !== "[") {
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
      return deny(`\`${name}\` is blocked by the command policy (${blockReason(name)})`, text);
    }
    if (isBlocked(name, this.ctx.extraBlocked)) {
      return deny(`\`${name}\` is blocked by security.extra_blocked_commands`, text);
    }
    if (
      this.ctx.mode === "allowlist" &&
      !WRAPPERS.has(name) &&
      !DEFAULT_ALLOWED_SET.has(name) &&
      !this.ctx.extraAllowed.includes(name) &&
      !(rawName.includes("/") && this.paths.inProject(rawName))
    ) {
      return deny(
        `\`${name}\` is not in the allowlist (allowlist mode); use an allowed command, or add it to security.extra_allowed_commands`,
        text,
      );
    }

    const args = inv.args;
    if (!WRAPPERS.has(name)) return this.command(name, inv, depth, wrapped);
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
          ...(name === "xargs"
            ? { fromInput: "xargs" as const }
            : inv.fromInput
              ? { fromInput: inv.fromInput }
              : {}),
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
        return withOptions(args, EXEC_VALUES, text, (i) => inner(i, true));
      case "nice":
        return withOptions(args, NICE_VALUES, text, (i) => inner(i, true));
      case "nohup":
      case "setsid":
      case "busybox":
        return withOptions(args, NO_VALUES, text, (i) => inner(i, true));
      case "stdbuf":
        return withOptions(args, STDBUF_VALUES, text, (i) => inner(i, true));
      case "ionice":
        return withOptions(args, IONICE_VALUES, text, (i) => inner(i, true));
      case "time":
        return withOptions(args, TIME_VALUES, text, (i) => inner(i, true));
      case "timeout":
        return withOptions(args, TIMEOUT_VALUES, text, (i) => inner(i + 1, true));
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
        return withOptions(args, WATCH_VALUES, text, (i) => {
          if (args.slice(0, i).some((w) => w.value === "-x" || w.value === "--exec")) return inner(i, false);
          return this.literalScript(args.slice(i), "watch", text, depth);
        });
    }
    return null;
  }

  /** A variable the command line sets: those that point git elsewhere or make it run programs. */
  private assignment(name: string, value: string | null, text: string): Decision | null {
    return name.startsWith("GIT_") ? gitVariable(name, value, this.gitPaths, text) : null;
  }

  private readonly gitPaths: GitPaths = {
    outside: (word) =>
      this.paths.pathProblem(word, { protect: false, broadGlob: false, allowProjectRoot: true }),
  };

  /** The rules of a command that is not a wrapper. */
  private command(name: string, inv: Invocation, depth: number, wrapped: number): Decision | null {
    const { args, text } = inv;
    const fed = inv.fromInput === undefined ? null : fedRule(name, inv);
    if (fed !== null) return fed;
    const network =
      networkTool(name, args, text) ?? protectedEndpoint(name, args, this.ctx.protectedPorts ?? [], text);
    if (network !== null) return network;
    const embedded = embeddedCommands(name, args, text);
    if ("denial" in embedded) return embedded.denial;
    // Each gets data on its standard input (an archive's files, a connection): an interpreter
    // there would run it.
    for (const script of embedded.scripts) {
      const denial = this.script(script, depth + 1, true);
      if (denial !== null) return denial;
    }
    switch (name) {
      case "git":
        return gitCommand(args, this.gitPaths, text);
      case "source":
      case ".":
        // From its standard input it reads a script, as a shell does: judged the same way.
        return sourcesStdin(inv) ? this.shell(name, { ...inv, args: [] }, depth) : sourced(name, inv);
      case "ln":
        return this.paths.ln(args, text);
      case "find":
        return this.find(inv, depth, wrapped);
      case "rm":
        return this.paths.rm(args, text);
      case "mv":
        return this.paths.mvOrCp("mv", args, text);
      case "cp":
        return this.paths.mvOrCp("cp", args, text);
      case "chmod":
        return this.paths.chmod(args, text);
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
        return this.paths.changeDirectory(name, args, text);
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
        if (v.startsWith("-C") || v.startsWith("--chdir")) this.paths.leaveProject();
        i += ["-u", "--unset", "-C", "--chdir"].includes(v) ? 2 : 1;
        continue;
      }
      if (ASSIGNMENT.test(v)) {
        i++;
        continue;
      }
      break;
    }
    while (i < args.length && ASSIGNMENT.test(args[i]?.value ?? "")) i++;
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
    const scriptFile = args[i];
    if (scriptFile !== undefined && !fromStdin) {
      // A script file's contents are not judged here; a program made at run time is refused.
      return builtAtRunTime(scriptFile) ? runTimeProgram(name, scriptFile, inv.text) : null;
    }
    if (inv.stdin.length > 0) {
      for (const body of inv.stdin) {
        if (body.text === null)
          return deny(`the here-string given to \`${name}\` is not a literal`, inv.text);
        const denial = this.script(body.text, depth + 1);
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
    return findRule(inv.args, inv.text, this.paths, (words) => {
      const [head, ...tail] = words as [Word, ...Word[]];
      return this.invocation(
        {
          name: head,
          args: tail,
          text: words.map((w) => w.text).join(" "),
          piped: false,
          stdin: [],
          fromInput: "find",
        },
        depth,
        wrapped + 1,
      );
    });
  }
}
