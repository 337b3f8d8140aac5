/**
 * `find`: its starting points must lie in the project when it deletes (`-delete`, `-exec rm …`)
 * or runs commands (`-exec`); the commands it runs are judged like any other (with `{}` standing
 * for file names). Deleting from a folder that holds the project's repository, package.json,
 * lockfiles or .env (the project root) needs a name test that cannot match them, and no `-o`,
 * `!` or `-regex` the policy cannot follow: `find . -name '*.log' -delete` is fine,
 * `find . -delete` and `find . -name .git -exec rm -rf {} +` are not.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { literal } from "./arguments.ts";
import { type Decision, deny } from "./decision.ts";
import { segmentMatches } from "./paths.ts";
import type { ProjectPaths } from "./project-paths.ts";
import { PROTECTED_NAMES } from "./rules.ts";
import type { Word } from "./steps.ts";

/** What find's -exec may run and still count as deleting. */
const DELETING = new Set(["rm", "rmdir", "unlink", "shred", "mv"]);
const NAME_TESTS = new Set(["-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename"]);
/** Operators and tests the name check cannot follow. */
const OPAQUE = new Set(["-o", "-or", ",", "!", "-not", "-regex", "-iregex"]);

export interface FindParts {
  starts: Word[];
  /** Tests and actions, in order, without the -exec commands. */
  expression: Word[];
  execs: Word[][];
  deletes: boolean;
}

export function findParts(args: readonly Word[]): FindParts {
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
  const expression: Word[] = [];
  const execs: Word[][] = [];
  let deletes = false;
  for (; i < args.length; i++) {
    const w = args[i] as Word;
    const v = w.value;
    if (v === "-delete") deletes = true;
    if (v === "-exec" || v === "-execdir" || v === "-ok" || v === "-okdir") {
      const words: Word[] = [];
      for (i++; i < args.length && args[i]?.value !== ";" && args[i]?.value !== "+"; i++)
        words.push(args[i] as Word);
      execs.push(words);
      continue;
    }
    expression.push(w);
  }
  return { starts: starts.length === 0 ? [literal(".")] : starts, expression, execs, deletes };
}

/** The rules of one `find`; the commands of its -exec are judged by `judge`. */
export function findRule(
  args: readonly Word[],
  text: string,
  paths: ProjectPaths,
  judge: (words: Word[]) => Decision | null,
): Decision | null {
  const parts = findParts(args);
  // The commands it runs first: what they do is the larger question (`find . -exec rm -rf / \;`).
  for (const words of parts.execs) {
    if (words.length === 0) return deny("find -exec without a command", text);
    const denial = judge(words);
    if (denial !== null) return denial;
  }
  const deleting = parts.deletes || parts.execs.some((words) => DELETING.has(commandName(words)));
  if (deleting || parts.execs.length > 0) {
    for (const start of parts.starts) {
      const problem = paths.pathProblem(start, {
        protect: deleting,
        broadGlob: false,
        allowProjectRoot: true,
      });
      if (problem !== null)
        return deny(`find may only delete or run commands under the project; not ${problem}`, text);
      if (deleting && holdsProtected(start, paths)) {
        const why = unnarrowed(parts.expression, start.value ?? ".");
        if (why !== null) {
          return deny(
            `find would delete in \`${start.value}\`, which holds the project's repository, package.json, lockfiles or .env, ${why}; name the files (-name '*.log') or start in a subfolder`,
            text,
          );
        }
      }
    }
  }
  return null;
}

function commandName(words: readonly Word[]): string {
  const v = words[0]?.value ?? "";
  return path.posix.basename(v);
}

/** Whether the starting folder holds a protected name (the project root does). */
function holdsProtected(start: Word, paths: ProjectPaths): boolean {
  const resolved = start.value === null ? null : paths.resolve(start.value);
  if (resolved === null) return true;
  if (resolved.real === paths.scope.project) return true;
  return [...PROTECTED_NAMES].some((name) => existsSync(path.join(resolved.real, name)));
}

/** Why the expression may still match a protected name; null when its name tests rule that out. */
function unnarrowed(expression: readonly Word[], start: string): string | null {
  let named = false;
  for (let i = 0; i < expression.length; i++) {
    const v = expression[i]?.value;
    if (v === null || v === undefined) return "with a test that is not a literal";
    if (OPAQUE.has(v)) return `with \`${v}\`, which the policy does not follow`;
    if (!NAME_TESTS.has(v)) continue;
    const pattern = expression[i + 1]?.value;
    if (pattern === null || pattern === undefined) return "with a name test that is not a literal";
    i++;
    named = true;
    const fold = v.startsWith("-i");
    const hit = [...PROTECTED_NAMES].find((name) =>
      v.endsWith("name") && !v.includes("whole")
        ? segmentMatches(fold ? pattern.toLowerCase() : pattern, fold ? name.toLowerCase() : name, true)
        : pathPatternMatches(pattern, `${start.replace(/\/+$/, "")}/${name}`, fold),
    );
    if (hit !== undefined) return `and its test \`${v} ${pattern}\` matches \`${hit}\``;
  }
  return named ? null : "with no name test (-name, -path)";
}

/** find's -path: a glob over the whole path, where `*` also matches `/`; matched at the protected path and below it. */
function pathPatternMatches(pattern: string, protectedPath: string, fold: boolean): boolean {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    const close = c === "[" ? pattern.indexOf("]", i + 2) : -1;
    if (c === "*") source += ".*";
    else if (c === "?") source += ".";
    else if (close > 0) {
      source += `[${pattern
        .slice(i + 1, close)
        .replace(/^!/, "^")
        .replace(/\\/g, "\\\\")}]`;
      i = close;
    } else source += c.replace(/[.+^${}()|[\]\\/]/g, "\\$&");
  }
  const re = new RegExp(`^${source}$`, fold ? "i" : "");
  return (
    re.test(protectedPath) || re.test(`${protectedPath}/x`) || re.test(protectedPath.replace(/^\.\//, ""))
  );
}
