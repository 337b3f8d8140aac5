import { basename, isAbsolute, resolve } from "node:path";
import type { Stores } from "../db/stores/index.ts";
import { fail } from "../errors.ts";
import type { Project } from "./model.ts";

/**
 * Where a project lives: a path (anything with a slash, or `.`) is taken as it is, relative to
 * the working directory; a bare name goes under `project.generations_dir`.
 */
export function projectDirectory(arg: string, where: { cwd: string; generationsDir: string }): string {
  const looksLikePath = arg.includes("/") || arg === "." || arg === ".." || isAbsolute(arg);
  return looksLikePath ? resolve(where.cwd, arg) : resolve(where.cwd, where.generationsDir, arg);
}

/** A project's name from its directory: the directory's name, as a slug. */
export function projectNameFor(directory: string): string {
  return basename(directory)
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * Finds a project from what a person typed: a directory (or a bare name under the generations
 * directory) that holds a project, or a project name or id. Omitted: the working directory.
 */
export async function findProject(
  stores: Stores,
  arg: string | undefined,
  where: { cwd: string; generationsDir: string },
): Promise<Project> {
  const candidates = arg === undefined ? [where.cwd] : [projectDirectory(arg, where)];
  if (arg !== undefined && !arg.includes("/")) candidates.push(resolve(where.cwd, arg));
  for (const dir of candidates) {
    const found = await stores.projects.findByDirectory(dir);
    if (found) return found;
  }
  if (arg !== undefined) {
    try {
      return await stores.projects.find(arg);
    } catch {
      // fall through to the message below, which names every place looked at
    }
  }
  const looked = candidates.filter((d, i) => candidates.indexOf(d) === i).join(" or ");
  throw fail("BATON_PROJECT_NOT_FOUND", {
    project: arg ?? where.cwd,
    reason:
      arg === undefined
        ? `no Baton project in ${where.cwd}; give a project name or directory (\`baton projects\` lists them)`
        : `no project named ${arg}, and none in ${looked}; \`baton projects\` lists them`,
  });
}
