import type { Command } from "commander";
import type { Config } from "../config/schema.ts";
import type { Database } from "../db/database.ts";
import { createStores, type Stores } from "../db/stores/index.ts";
import { findProject } from "../projects/locate.ts";
import type { Project } from "../projects/model.ts";
import { loadCliConfig } from "./commands/config.ts";
import { withDatabase } from "./database.ts";
import type { CliIo } from "./io.ts";

/** The `[project]` argument of the commands that read one project. */
export const PROJECT_ARGUMENT = [
  "[project]",
  "a project directory, a name under project.generations_dir, or a project name or id (default: the working directory)",
] as const;

export interface ProjectContext {
  config: Config;
  /** Baton's data directory (`BATON_HOME` or ~/.baton). */
  home: string;
  database: Database;
  stores: Stores;
  project: Project;
}

/**
 * Opens the database and finds the project a command's `[DIR|NAME]` argument names (a directory,
 * a name under `project.generations_dir`, a project name or id; omitted: the working directory).
 */
export async function withProject<T>(
  program: Command,
  io: CliIo,
  arg: string | undefined,
  use: (ctx: ProjectContext) => Promise<T>,
): Promise<T> {
  const loaded = loadCliConfig(program, io);
  return withDatabase(
    program,
    io,
    {},
    async (database) => {
      const stores = createStores(database.db);
      const project = await findProject(stores, arg, {
        cwd: io.cwd,
        generationsDir: loaded.config.project.generations_dir,
      });
      return use({ config: loaded.config, home: loaded.home, database, stores, project });
    },
    loaded,
  );
}
