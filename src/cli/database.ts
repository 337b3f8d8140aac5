import type { Command } from "commander";
import type { LoadedConfig } from "../config/load.ts";
import { type Database, type OpenOptions, openDatabase } from "../db/database.ts";
import { resolveDatabaseTarget } from "../db/url.ts";
import { loadCliConfig } from "./commands/config.ts";
import type { CliIo } from "./io.ts";

/** Opens the configured database for one command and always closes it. */
export async function withDatabase<T>(
  program: Command,
  io: CliIo,
  options: OpenOptions,
  use: (database: Database) => Promise<T>,
  loaded: LoadedConfig = loadCliConfig(program, io),
): Promise<T> {
  const target = resolveDatabaseTarget(loaded.config.database.url, { home: loaded.home, cwd: io.cwd });
  const database = await openDatabase(target, options);
  try {
    return await use(database);
  } finally {
    await database.close();
  }
}
