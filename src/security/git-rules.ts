/**
 * Git rules of the command policy. Sessions commit freely; they may not make git act on another
 * repository (`-C`, `--git-dir`, `--work-tree` or GIT_DIR outside the project), plant settings
 * that run programs (`-c`/`git config` for hooks, fsmonitor, filters, `!` aliases, helpers …),
 * rewrite or delete history (force pushes, filter-branch, reflog expiry, pruning), or remove
 * ignored files such as `.env` (`git clean -x`).
 */
import { type Decision, deny } from "./decision.ts";
import type { Word } from "./steps.ts";

/** Settings that make git run a program, or read another file as config. */
const PROGRAM_SETTING =
  /^(?:core\.(?:hookspath|fsmonitor|sshcommand|pager|editor|askpass|gitproxy|worktree)|sequence\.editor|diff\.external|diff\..+\.(?:textconv|command)|merge\..+\.driver|filter\..+|credential\..*|gpg\.(?:.+\.)?program|include\..+|includeif\..+|uploadpack\..+|receive\.procreceiverefs|protocol\..+|remote\..+\.(?:uploadpack|receivepack|vcs)|url\..+\.insteadof|pager\..+|alias\..+)$/;

/** A `key=value` (or just `key`) setting, judged: aliases only when they run a shell command. */
function settingProblem(setting: string): string | null {
  const eq = setting.indexOf("=");
  const key = (eq < 0 ? setting : setting.slice(0, eq)).toLowerCase();
  const value = eq < 0 ? "" : setting.slice(eq + 1);
  if (key.startsWith("alias.")) return value.trimStart().startsWith("!") ? key : null;
  return PROGRAM_SETTING.test(key) ? key : null;
}

/** Git's global options that take a value as the next word. */
const GLOBAL_WITH_VALUE = new Set([
  "-C",
  "-c",
  "--git-dir",
  "--work-tree",
  "--namespace",
  "--config-env",
  "--exec-path",
  "--super-prefix",
]);

export interface GitPaths {
  /** What is wrong with a path git would work in, or null when it is inside the project. */
  outside(word: Word): string | null;
}

/** Judges one `git …` command. */
export function gitCommand(args: readonly Word[], paths: GitPaths, text: string): Decision | null {
  let i = 0;
  for (; i < args.length; i++) {
    const w = args[i] as Word;
    const v = w.value;
    if (v === null) return deny(`git's option \`${w.text}\` is not a literal`, text);
    if (!v.startsWith("-")) break;
    const eq = v.indexOf("=");
    const option = eq > 0 ? v.slice(0, eq) : v;
    const value: Word | undefined =
      eq > 0
        ? { value: v.slice(eq + 1), text: w.text }
        : GLOBAL_WITH_VALUE.has(option)
          ? args[++i]
          : undefined;
    const problem = globalOption(option, value, paths);
    if (problem !== null) return deny(problem, text);
  }
  const sub = args[i]?.value;
  if (sub === undefined || sub === null) return null;
  const rest = args.slice(i + 1).map((w) => w.value);
  if (rest.includes(null)) {
    if (["config", "push", "clean", "filter-branch"].includes(sub)) {
      return deny(`an argument of \`git ${sub}\` is not a literal; write it out`, text);
    }
  }
  const problem = subcommand(sub, rest as string[]);
  return problem === null ? null : deny(problem, text);
}

function globalOption(option: string, value: Word | undefined, paths: GitPaths): string | null {
  switch (option) {
    case "-C":
    case "--git-dir":
    case "--work-tree": {
      if (value === undefined) return null;
      const problem = paths.outside(value);
      return problem === null ? null : `git ${option} may only point inside the project; not ${problem}`;
    }
    case "-c":
    case "--config-env": {
      const key = value?.value === null || value === undefined ? null : settingProblem(value.value);
      if (value?.value === null) return `git ${option} with a setting that is not a literal`;
      return key === null ? null : `git ${option} ${key} would make git run a program the policy can't see`;
    }
    case "--exec-path":
      return value === undefined ? null : "git --exec-path=… runs git's commands from another folder";
    default:
      return null;
  }
}

function subcommand(sub: string, args: string[]): string | null {
  const flags = args.filter((a) => a.startsWith("-"));
  const short = flags.filter((a) => /^-[a-zA-Z]+$/.test(a)).join("");
  switch (sub) {
    case "push": {
      const refused = args.find(
        (a) =>
          /^--(?:force|force-with-lease|force-if-includes|mirror|delete|prune|receive-pack|exec)(?:=|$)/.test(
            a,
          ) ||
          /^-[a-zA-Z]*[fd]/.test(a) ||
          /^\+/.test(a) ||
          /^:./.test(a),
      );
      return refused === undefined
        ? null
        : `git push ${refused} rewrites or deletes history on a remote; push new commits instead`;
    }
    case "clean":
      return /[xX]/.test(short) || flags.includes("--ignored")
        ? "git clean -x removes ignored files too, such as .env and node_modules; use git clean -fd (untracked files only)"
        : null;
    case "config": {
      if (flags.some((f) => ["--global", "--system", "--file", "-f", "--blob"].includes(f))) {
        return "git config may only change the project's own settings (no --global, --system or --file)";
      }
      if (
        flags.some((f) =>
          /^--(get|get-all|get-regexp|list|show-origin|name-only|unset|unset-all|remove-section)$|^-l$/.test(
            f,
          ),
        )
      ) {
        return null;
      }
      const [key, value] = args.filter((a) => !a.startsWith("-"));
      const problem =
        key === undefined ? null : settingProblem(value === undefined ? key : `${key}=${value}`);
      return problem === null
        ? null
        : `git config ${problem} would make git run a program the policy can't see`;
    }
    case "filter-branch":
    case "filter-repo":
    case "replace":
      return `git ${sub} rewrites the project's history, which Baton's reset goes back through; make new commits instead`;
    case "reflog":
      return args[0] === "expire" || args[0] === "delete"
        ? `git reflog ${args[0]} erases the project's history of commits; leave the reflog as it is`
        : null;
    case "gc":
      return args.some((a) => /^--prune(?:=(?:now|all))?$/.test(a) && a !== "--prune")
        ? "git gc --prune=now erases unreachable commits at once; run git gc without --prune"
        : null;
    case "prune":
      return "git prune erases unreachable commits; leave them to git's own gc";
    case "update-ref":
      return flags.includes("-d") || flags.includes("--delete")
        ? "git update-ref -d deletes a branch or tag behind git's back; use git branch -d"
        : null;
    case "clone":
    case "fetch":
    case "pull":
    case "ls-remote":
    case "archive":
    case "submodule": {
      const refused = args.find(
        (a, n) =>
          /^(?:--upload-pack|-u|--exec|--receive-pack)(?:=|$)/.test(a) ||
          ((a === "-c" || a === "--config") && settingProblem(args[n + 1] ?? "") !== null),
      );
      return refused === undefined
        ? null
        : `git ${sub} ${refused} would make git run a program the policy can't see`;
    }
    default:
      return null;
  }
}

/** `GIT_DIR=…`, `GIT_SSH_COMMAND=…` and friends, set by the command line. */
export function gitVariable(
  name: string,
  value: string | null,
  paths: GitPaths,
  text: string,
): Decision | null {
  if (
    /^GIT_(?:SSH|SSH_COMMAND|EXTERNAL_DIFF|ASKPASS|EXEC_PATH|CONFIG_PARAMETERS|CONFIG_COUNT|CONFIG_KEY_\d+|CONFIG_VALUE_\d+|CONFIG_GLOBAL|CONFIG_SYSTEM|PROXY_COMMAND|TEMPLATE_DIR)$/.test(
      name,
    )
  ) {
    return deny(`setting ${name} makes git run a program or read settings the policy can't see`, text);
  }
  if (
    /^GIT_(?:DIR|WORK_TREE|COMMON_DIR|INDEX_FILE|OBJECT_DIRECTORY|ALTERNATE_OBJECT_DIRECTORIES)$/.test(name)
  ) {
    if (value === null) return deny(`${name} is not a literal path; write it out`, text);
    const problem = paths.outside({ value, text: value });
    return problem === null ? null : deny(`${name} may only point inside the project; not ${problem}`, text);
  }
  return null;
}
