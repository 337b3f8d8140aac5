import { Migrator, sql } from "kysely";
import { fail } from "../errors.ts";
import type { Database } from "./database.ts";
import { migrationProvider } from "./migrations/index.ts";

export const MIGRATION_TABLE = "baton_migrations";
export const MIGRATION_LOCK_TABLE = "baton_migrations_lock";

export interface MigrationStatus {
  name: string;
  applied_at: string | null;
}

/**
 * On PostgreSQL the migration tables are pinned to the connection's current schema: Kysely's
 * migrator otherwise looks for them in every schema, and a Baton database in another schema of
 * the same server would make it skip creating its own.
 */
async function migratorFor(database: Database): Promise<Migrator> {
  const schema =
    database.dialect === "postgres"
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db)).rows[0]
          ?.schema
      : undefined;
  return new Migrator({
    db: database.db,
    provider: migrationProvider(database.dialect),
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
}

/** Applies every pending migration (under Kysely's lock, so concurrent starts are safe). */
export async function migrateToLatest(database: Database): Promise<string[]> {
  const { error, results } = await (await migratorFor(database)).migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "(before any migration ran)";
    const reason = error instanceof Error ? error.message : String(error);
    throw fail(
      "BATON_DB_MIGRATION_FAILED",
      { migration: failed, url: database.target.display, reason },
      { cause: error },
    );
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

export async function migrationStatus(database: Database): Promise<MigrationStatus[]> {
  const migrations = await (await migratorFor(database)).getMigrations();
  return migrations.map((m) => ({
    name: m.name,
    applied_at: m.executedAt ? m.executedAt.toISOString() : null,
  }));
}
