/** Where a path argument really points, and whether that is inside the project. */
import { lstatSync, realpathSync, type Stats } from "node:fs";
import path from "node:path";
import { SYSTEM_DIRS } from "./rules.ts";

/**
 * Resolves `p` like the kernel would: the longest existing prefix through its symlinks, the rest
 * appended. `cache` (one per decision: the file system does not change while a command line is
 * judged) keeps the answer for every level looked at. The walk goes down from the nearest known
 * ancestor with one `lstat` per level and stops at the first missing one; only symlinks are
 * resolved with `realpath`.
 */
export function realpathExisting(p: string, cache: Map<string, string> = new Map()): string {
  return realOf(normalized(p), cache);
}

function realOf(p: string, cache: Map<string, string>): string {
  const cached = cache.get(p);
  if (cached !== undefined) return cached;
  let missing = missingIn.get(cache);
  if (missing === undefined) {
    missing = new Set();
    missingIn.set(cache, missing);
  }
  let kinds = directoriesIn.get(cache);
  if (kinds === undefined) {
    kinds = new Map();
    directoriesIn.set(cache, kinds);
  }
  // p and its ancestors up to (not including) the nearest one whose answer is known, deepest first
  const levels: string[] = [];
  let real: string | undefined;
  let below = false; // below a missing entry: nothing is there, no need to look
  for (let dir = p; real === undefined; ) {
    if (dir === "/") {
      real = dir; // the root is its own real path
      break;
    }
    levels.push(dir);
    const parent = dir.slice(0, dir.lastIndexOf("/")) || "/";
    real = cache.get(parent);
    if (real !== undefined) below = missing.has(parent);
    dir = parent;
  }
  for (let i = levels.length - 1; i >= 0; i--) {
    const lexical = levels[i] as string;
    let next: string | undefined;
    let directory: boolean | undefined;
    if (!below) {
      const stat = lstatOrMissing(lexical);
      if (stat === undefined) below = true;
      else if (!stat.isSymbolicLink()) directory = stat.isDirectory();
      else {
        try {
          next = realpathSync.native(lexical);
        } catch {
          below = true; // a dangling symlink or a loop: resolved as a missing entry
        }
      }
    }
    // Not a symlink (or missing): where its parent really is, plus its name.
    real =
      next ??
      (isChildOf(lexical, real) ? lexical : childOf(real, lexical.slice(lexical.lastIndexOf("/") + 1)));
    cache.set(lexical, real);
    if (below) missing.add(lexical);
    if (below || directory !== undefined) kinds.set(real, !below && directory === true);
  }
  return real;
}

/**
 * Whether the real path `real` is a directory, as far as a realpathExisting cache saw it on the
 * way (a missing entry is not one); undefined when the walk did not look at it (a symlink's target).
 */
export function knownDirectory(real: string, cache: Map<string, string>): boolean | undefined {
  return directoriesIn.get(cache)?.get(real);
}

/** Per realpathExisting cache: real paths the walk found, and whether each is a directory. */
const directoriesIn = new WeakMap<Map<string, string>, Map<string, boolean>>();

/** `dir/name` for a normalized absolute `dir`. */
function childOf(dir: string, name: string): string {
  return dir === "/" ? `/${name}` : `${dir}/${name}`;
}

/** Whether `p` is `dir/name` for one name (both normalized and absolute). */
function isChildOf(p: string, dir: string): boolean {
  if (dir === "/") return p.lastIndexOf("/") === 0;
  return p.startsWith(dir) && p.charCodeAt(dir.length) === 47 && p.indexOf("/", dir.length + 1) < 0;
}

/** The entries a realpathExisting cache knows to be missing (also below a dangling symlink). */
const missingIn = new WeakMap<Map<string, string>, Set<string>>();

/** Errors of `lstat` that mean nothing can be there: below a file, or through a symlink loop. */
const CANNOT_EXIST = new Set(["ENOTDIR", "ELOOP"]);

/** `lstat`, or undefined when nothing is (or can be) there. Other errors (EACCES) throw. */
function lstatOrMissing(p: string): Stats | undefined {
  try {
    return lstatSync(p, { throwIfNoEntry: false });
  } catch (error) {
    if (CANNOT_EXIST.has((error as NodeJS.ErrnoException).code ?? "")) return undefined;
    throw error;
  }
}

/** path.resolve(cwd, p) for a normalized absolute `cwd`, without its work in the common cases. */
function lexicalPath(cwd: string, p: string): string {
  if (p.startsWith("/")) return p.length > 1 && !NOT_NORMAL.test(p) ? p : path.resolve(p);
  let rel = p;
  while (rel.startsWith("./")) rel = rel.slice(2);
  if (isPlainRelative(rel)) return childOf(cwd, rel);
  // `..`, `../..`, `../x`: up from cwd, then a plain rest
  let base = cwd;
  while (rel === ".." || rel.startsWith("../")) {
    base = base.slice(0, base.lastIndexOf("/")) || "/";
    rel = rel.slice(3);
  }
  if (base !== cwd && (rel === "" || isPlainRelative(rel))) return rel === "" ? base : childOf(base, rel);
  return path.resolve(cwd, p);
}

/** A relative path that path.resolve would only append: no `.`/`..` segment, no `//`, no trailing `/`. */
function isPlainRelative(p: string): boolean {
  return p !== "" && !p.startsWith("/") && !p.endsWith("/") && !p.includes("//") && !DOT_SEGMENT.test(p);
}

const DOT_SEGMENT = /(?:^|\/)\.\.?(?:\/|$)/;

/** Not a normalized absolute path: `//`, a `.` or `..` segment, or a trailing `/`. */
const NOT_NORMAL = /\/\/|\/\.\.?(?:\/|$)|.\/$/;

/** path.resolve(p), without its work when `p` is already absolute and normalized. */
export function normalized(p: string): string {
  return p.startsWith("/") && (p === "/" || !NOT_NORMAL.test(p)) ? p : path.resolve(p);
}

export function isInside(child: string, parent: string): boolean {
  if (child === parent) return true;
  if (
    child.startsWith("/") &&
    parent.startsWith("/") &&
    !NOT_NORMAL.test(child) &&
    !NOT_NORMAL.test(parent)
  ) {
    return isInsideResolved(child, parent);
  }
  const rel = path.relative(parent, child);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}

/**
 * isInside for two absolute, normalized paths (as resolveArg and realpathExisting give them):
 * what path.relative would answer, without resolving both paths again.
 */
export function isInsideResolved(child: string, parent: string): boolean {
  if (child === parent) return true;
  if (parent === "/") return !child.startsWith("/..");
  return (
    child.startsWith(parent) &&
    child.charCodeAt(parent.length) === 47 &&
    !child.startsWith("..", parent.length + 1)
  );
}

export interface PathScope {
  /** The project directory, resolved through realpath. */
  project: string;
  /** The directory relative paths start from (the project unless the command `cd`s away). */
  cwd: string;
  home: string;
  /** Real paths looked up for this one decision (see realpathExisting). */
  cache?: Map<string, string>;
}

export interface ResolvedPath {
  lexical: string;
  real: string;
  /** It goes through another process's /proc entry (`/proc/123/cwd`): where it leads is not known. */
  unknown?: true;
}

/** Expands `~` and resolves against the working directory; null for `~user`, which is not followed. */
export function resolveArg(arg: string, scope: PathScope): ResolvedPath | null {
  const expanded = tildeExpanded(arg, scope);
  if (expanded === null) return null;
  const lexical = lexicalPath(scope.cwd, expanded);
  const cache = scope.cache ?? new Map<string, string>();
  // `..` after a symlink, and /proc's links, lead where the kernel goes, not where folding goes.
  if (!PHYSICAL.test(expanded)) return { lexical, real: realOf(lexical, cache) };
  const absolute = expanded.startsWith("/") ? expanded : `${scope.cwd}/${expanded}`;
  const physical = physicalPath(absolute, scope.cwd, cache);
  return physical === null ? { lexical, real: absolute, unknown: true } : { lexical, real: physical };
}

/** Paths whose real path needs the walk of physicalPath. */
const PHYSICAL = /(?:^|\/)\.\.(?:\/|$)|^\/(?:proc|dev)(?:\/|$)/;

/**
 * Where the absolute path `p` leads as the kernel resolves it: segment by segment, symlinks
 * followed where they stand, `..` taken from the real parent. `/proc/self` and
 * `/proc/thread-self` are the session's shell (`cwd` its directory, `root` the root); another
 * process's `cwd`, `root`, `fd` or `exe` cannot be known: null. Entries under /dev are not
 * followed (`/dev/stdin`).
 */
export function physicalPath(p: string, cwd: string, cache: Map<string, string>): string | null {
  const segments = p.split("/");
  // What comes before the first `..` resolves in one go (outside /proc and /dev).
  let start = segments.indexOf("..");
  if (start < 0 || /^\/(proc|dev)(\/|$)/.test(p)) start = 0;
  let real = start === 0 ? "/" : realOf(normalized(segments.slice(0, start).join("/") || "/"), cache);
  for (const segment of segments.slice(start)) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      real = real.slice(0, real.lastIndexOf("/")) || "/";
    } else if (real === "/proc" && (segment === "self" || segment === "thread-self")) {
      real = "/proc/self";
    } else if (real === "/proc/self" && segment === "cwd") {
      real = realOf(normalized(cwd), cache);
    } else if (/^\/proc\/(self|\d+)$/.test(real) && segment === "root") {
      if (real !== "/proc/self") return null;
      real = "/";
    } else if (/^\/proc\/(self|\d+)$/.test(real) && PROCESS_LINKS.has(segment)) {
      return null;
    } else if (real === "/dev" || real.startsWith("/dev/")) {
      real = childOf(real, segment);
    } else {
      real = realOf(childOf(real, segment), cache);
    }
  }
  return real;
}

/** A process's links into the file system, which lead where that process is. */
const PROCESS_LINKS = new Set(["cwd", "fd", "exe", "map_files", "fdinfo"]);

/** `arg` with `~` (the home) and `~+` (the working directory) expanded; null for `~user` and `~-`. */
function tildeExpanded(arg: string, scope: PathScope): string | null {
  if (!arg.startsWith("~")) return arg;
  if (arg === "~" || arg.startsWith("~/")) return scope.home + arg.slice(1);
  if (arg === "~+" || arg.startsWith("~+/")) return scope.cwd + arg.slice(2);
  return null;
}

/** `arg` with `~` expanded, absolute from the working directory, symlinks not followed; null for `~user`. */
export function lexicalArg(arg: string, scope: PathScope): string | null {
  const expanded = tildeExpanded(arg, scope);
  return expanded === null ? null : lexicalPath(scope.cwd, expanded);
}

/** Why a resolved path outside the project is off limits, in a few words. */
export function describeOutside(resolved: ResolvedPath, scope: PathScope): string {
  for (const p of [resolved.lexical, resolved.real]) {
    if (p === "/") return "the filesystem root";
    if (p === scope.home) return "the home directory";
  }
  for (const p of [resolved.lexical, resolved.real]) {
    const dir = SYSTEM_DIRS.find((d) => isInside(p, d));
    if (dir !== undefined) return `the system directory ${dir}`;
  }
  const shown =
    resolved.real === resolved.lexical ? resolved.lexical : `${resolved.lexical} → ${resolved.real}`;
  return `${shown}, outside the project ${scope.project}`;
}

/** Inside the project once symlinks are followed. */
export function insideProject(resolved: ResolvedPath, scope: PathScope): boolean {
  return isInsideResolved(resolved.real, scope.project);
}

/** Whether one path segment holds a glob character. */
export const GLOB_SEGMENT = /[*?[]/;

/**
 * Whether the glob `pattern` (one path segment: `*`, `?`, `[…]`) matches the name `name`, as bash
 * matches it by default: a leading dot must be written out (unless `dotfiles`, as find's -name).
 */
export function segmentMatches(pattern: string, name: string, dotfiles = false): boolean {
  if (!GLOB_SEGMENT.test(pattern)) return pattern === name;
  if (!dotfiles && name.startsWith(".") && !pattern.startsWith(".")) return false;
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else if (c === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close < 0) source += "\\[";
      else {
        const body = pattern
          .slice(i + 1, close)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\");
        source += `[${body}]`;
        i = close;
      }
    } else source += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  try {
    return new RegExp(`^${source}$`).test(name);
  } catch {
    return true; // a pattern we cannot read might match anything
  }
}

const BRACE_GROUP = /\{([^{}]*(?:,|\.\.)[^{}]*)\}/;

/** The words `{a,b}` brace expansion makes of `word` (a sequence `{1..9}` becomes `*`); at most `limit`. */
export function expandBraces(word: string, limit = 64): string[] {
  const out: string[] = [];
  const pending = [word];
  while (pending.length > 0 && out.length < limit) {
    const w = pending.pop() as string;
    const group = BRACE_GROUP.exec(w);
    if (group === null) {
      out.push(w);
      continue;
    }
    const head = w.slice(0, group.index);
    const tail = w.slice(group.index + group[0].length);
    const body = group[1] ?? "";
    if (!body.includes(",")) pending.push(`${head}*${tail}`);
    else for (const alt of body.split(",").reverse()) pending.push(`${head}${alt}${tail}`);
  }
  return out;
}
