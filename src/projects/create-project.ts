import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Stores } from "../db/stores/index.ts";
import { fail } from "../errors.ts";
import { ensureRepository } from "../util/git.ts";
import type { Project, ProjectSettings } from "./model.ts";
import { copySpec, readSpec } from "./spec.ts";

export const PROJECT_GITIGNORE = "# Baton\nlogs/\nnode_modules/\n.env\n";

export interface CreateProjectInput {
  name: string;
  directory: string;
  spec: string;
  settings?: ProjectSettings;
  budget_usd?: number | null;
}

/**
 * Creates a project from a spec: checks the spec, records the project, then lays out its
 * directory (a git repository holding a copy of the spec in `spec/`). Nothing is left behind
 * when a step fails: the row is removed again, and a directory Baton created is deleted.
 */
export async function createProject(stores: Stores, input: CreateProjectInput): Promise<Project> {
  const spec = readSpec(input.spec);
  const directory = resolve(input.directory);
  if (existsSync(directory) && readdirSync(directory).length > 0) {
    throw fail("BATON_PROJECT_EXISTS", {
      directory,
      reason: `the directory ${directory} is not empty; choose a new directory for the project`,
    });
  }
  const project = await stores.projects.create({
    name: input.name,
    directory,
    spec_path: spec.source,
    spec_sha256: spec.sha256,
    settings: input.settings ?? {},
    budget_usd: input.budget_usd ?? null,
  });
  const made = !existsSync(directory);
  try {
    mkdirSync(directory, { recursive: true });
    copySpec(spec, directory);
    // Session logs hold prompts and tool output: they stay out of the app's history.
    writeFileSync(join(directory, ".gitignore"), PROJECT_GITIGNORE);
    await ensureRepository(directory);
    return project;
  } catch (error) {
    await stores.projects.delete(project.id).catch(() => {});
    if (made) rmSync(directory, { recursive: true, force: true });
    throw error;
  }
}
