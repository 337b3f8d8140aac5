import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { displayPath } from "../config/format.ts";
import type { LoadedConfig } from "../config/load.ts";
import { openDatabase } from "../db/database.ts";
import { migrationStatus } from "../db/migrate.ts";
import { type DatabaseTarget, resolveDatabaseTarget } from "../db/url.ts";
import { isBatonError } from "../errors.ts";
import { directoryState } from "./directories.ts";
import { type CheckResult, type DoctorContext, fail, ok, warn } from "./result.ts";

const NAME = "database";

/** Opens the configured database as `baton db status` does (no migration) and reads its migrations. */
export async function checkDatabase(ctx: DoctorContext, loaded: LoadedConfig): Promise<CheckResult> {
  let target: DatabaseTarget;
  try {
    target = resolveDatabaseTarget(loaded.config.database.url, { home: loaded.home, cwd: ctx.cwd });
  } catch (error) {
    if (!isBatonError(error, "BATON_DB_URL_UNSUPPORTED")) throw error;
    return fail(
      NAME,
      error.message,
      "set database.url (or DATABASE_URL) to postgres://USER:PASSWORD@HOST:PORT/DB or sqlite:PATH, or unset it",
    );
  }
  const where =
    target.dialect === "sqlite" && target.path !== ":memory:"
      ? `sqlite ${displayPath(target.path, ctx)}`
      : `${target.dialect} ${target.display}`;
  if (target.dialect === "sqlite" && target.path !== ":memory:" && !existsSync(target.path)) {
    return notCreatedYet(where, target.path);
  }
  try {
    const database = await openDatabase(target, { migrate: false });
    try {
      const status = await migrationStatus(database);
      const pending = status.filter((m) => m.applied_at === null).length;
      if (pending > 0) {
        return warn(
          NAME,
          `${where}: ${pending} of ${status.length} migrations pending (Baton applies them when it starts)`,
          ctx.migrateCommand,
        );
      }
      return ok(NAME, `${where}: all ${status.length} migrations applied`);
    } finally {
      await database.close();
    }
  } catch (error) {
    return fail(
      NAME,
      isBatonError(error)
        ? error.message
        : `${where}: ${error instanceof Error ? error.message : String(error)}`,
      target.dialect === "postgres"
        ? "start PostgreSQL there, or point database.url (DATABASE_URL, --database-url) at a reachable database"
        : "make the file's directory writable, or set database.url (DATABASE_URL) to another sqlite:PATH",
    );
  }
}

/**
 * The embedded database does not exist yet: nothing is created (Baton creates and migrates it at
 * first use); the SQLite driver is tried in memory and the file's directory must be creatable.
 */
async function notCreatedYet(where: string, file: string): Promise<CheckResult> {
  try {
    const memory = await openDatabase({ dialect: "sqlite", path: ":memory:", display: "sqlite::memory:" });
    await memory.close();
  } catch (error) {
    return fail(
      NAME,
      `the SQLite driver does not load: ${error instanceof Error ? error.message : String(error)}`,
      "npm rebuild better-sqlite3",
    );
  }
  const state = directoryState(dirname(file));
  if (!state.ok) {
    return fail(
      NAME,
      `${where}: ${state.why}`,
      "set database.url (DATABASE_URL) to a sqlite:PATH Baton may write",
    );
  }
  return ok(NAME, `${where}: not created yet (Baton creates and migrates it at first use)`);
}
