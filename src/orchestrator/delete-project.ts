/**
 * Deleting a project, for every edge that offers it: refused while it runs; its docker container
 * (when its sessions use one) removed first, so a failure there keeps the project; then its rows
 * (the store records `project_deleted`); then, when asked, its folder — never a folder that holds
 * Baton's own files or is the root.
 */
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import type { Config } from "../config/schema.ts";
import type { Stores } from "../db/stores/index.ts";
import { fail } from "../errors.ts";
import type { Project } from "../projects/model.ts";
import { containerName, dockerCli, removeProjectContainer } from "../security/docker-sandbox.ts";
import { isInside } from "../security/paths.ts";
import { resolveRunSettings } from "./run-settings.ts";

export interface DeleteDeps {
  stores: Stores;
  config: Config;
  /** Baton's data directory (never deleted with a project). */
  home: string;
}

export interface DeletedProject {
  id: number;
  name: string;
  directory: string;
  files_deleted: boolean;
  /** The project's docker container, when its sessions use the docker sandbox. */
  container: { name: string; removed: boolean } | null;
}

export async function deleteProject(
  deps: DeleteDeps,
  project: Project,
  options: { deleteFiles: boolean },
): Promise<DeletedProject> {
  if (options.deleteFiles) assertDeletable(deps, project.directory);
  const { sandbox } = resolveRunSettings(project, deps.config);
  let container: DeletedProject["container"] = null;
  if (deps.config.sandbox.type === "docker" || sandbox === "docker") {
    const name = containerName(project.id, project.name);
    container = { name, removed: await removeContainer(project.id, name) };
  }
  await deps.stores.projects.delete(project.id);
  const filesDeleted = options.deleteFiles && existsSync(project.directory);
  if (filesDeleted) rmSync(project.directory, { recursive: true, force: true });
  return {
    id: project.id,
    name: project.name,
    directory: project.directory,
    files_deleted: filesDeleted,
    container,
  };
}

function assertDeletable(deps: DeleteDeps, directory: string): void {
  const dir = path.resolve(directory);
  const keep = [deps.home, path.resolve(deps.config.project.generations_dir)];
  if (path.parse(dir).root === dir || keep.some((k) => isInside(path.resolve(k), dir))) {
    throw fail("BATON_PROJECT_FILE_UNSAFE", {
      directory: dir,
      reason: `the project's directory ${dir} holds Baton's own files (or is the root); delete the project without its files and remove what you want by hand`,
    });
  }
}

async function removeContainer(projectId: number, name: string): Promise<boolean> {
  try {
    return await removeProjectContainer(projectId, name, dockerCli());
  } catch (error) {
    throw fail(
      "BATON_SANDBOX_UNAVAILABLE",
      {
        container: name,
        reason: `the project's docker container ${name} could not be removed, so the project was kept: ${(error as Error).message}`,
      },
      { cause: error },
    );
  }
}
