/** Where a path argument really points, and whether that is inside the project. */
import { lstatSync, realpathSync } from "node:fs";
import path from "node:path";
import { SYSTEM_DIRS } from "./rules.ts";

/** Resolves `p` like the kernel would: the longest existing prefix through realpath, the rest appended. */
export function realpathExisting(p: string, cache?: Map<string, string>): string {
  let current = path.resolve(p);
  const rest: string[] = [];
  for (;;) {
    const known = cache?.get(current);
    if (known !== undefined) return path.join(known, ...rest.reverse());
    if (lstatSync(current, { throwIfNoEntry: false }) !== undefined) {
      try {
        const real = realpathSync(current);
        cache?.set(current, real);
        return path.join(real, ...rest.reverse());
      } catch {
        // a dangling symlink or a loop: keep walking up, as for a missing entry
      }
    }
    const parent = path.dirname(current);
    if (parent === current) return path.join(current, ...rest.reverse());
    rest.push(path.basename(current));
    current = parent;
  }
}

export function isInside(child: string, parent: string): boolean {
  if (child === parent) return true;
  const rel = path.relative(parent, child);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}

export interface PathScope {
  /** The project directory, resolved through realpath. */
  project: string;
  /** The directory relative paths start from (the project unless the command `cd`s away). */
  cwd: string;
  home: string;
  /** realpath results for this one decision (existing prefixes only). */
  cache?: Map<string, string>;
}

export interface ResolvedPath {
  lexical: string;
  real: string;
}

/** Expands `~` and resolves against the working directory; null for `~user`, which is not followed. */
export function resolveArg(arg: string, scope: PathScope): ResolvedPath | null {
  let expanded = arg;
  if (arg === "~" || arg.startsWith("~/")) expanded = scope.home + arg.slice(1);
  else if (arg.startsWith("~")) return null;
  const lexical = path.resolve(scope.cwd, expanded);
  return { lexical, real: realpathExisting(lexical, scope.cache) };
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
  return isInside(resolved.real, scope.project);
}
