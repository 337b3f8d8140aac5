import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import {
  CompiledQuery,
  type DatabaseConnection,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
} from "kysely";
import type pg from "pg";
import { fail } from "../errors.ts";
import type { Dialect } from "./dialect.ts";
import { migrateToLatest } from "./migrate.ts";
import type { DatabaseSchema } from "./schema.ts";
import type { DatabaseTarget } from "./url.ts";

export type Db = Kysely<DatabaseSchema>;

export interface Database {
  db: Db;
  dialect: Dialect;
  target: DatabaseTarget;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Apply pending migrations before returning (what `baton` does at start). Default true. */
  migrate?: boolean;
  /** PostgreSQL pool size. */
  poolSize?: number;
}

const SQLITE_BUSY_TIMEOUT_MS = 5_000;
const PG_CONNECT_TIMEOUT_MS = 5_000;
// int8 (counts, sums of integers, bigint counters) and numeric arrive as strings from pg by
// default; Baton's values fit in a double, so both are read as numbers, as SQLite returns them.
const PG_INT8_OID = 20;
const PG_NUMERIC_OID = 1700;

export async function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): Promise<Database> {
  const database = target.dialect === "sqlite" ? openSqlite(target) : await openPostgres(target, options);
  if (options.migrate ?? true) {
    try {
      await migrateToLatest(database);
    } catch (error) {
      await database.close();
      throw error;
    }
  }
  return database;
}

function openSqlite(target: Extract<DatabaseTarget, { dialect: "sqlite" }>): Database {
  let sqlite: SQLite.Database;
  try {
    if (target.path !== ":memory:") mkdirSync(dirname(target.path), { recursive: true });
    sqlite = new SQLite(target.path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  } catch (error) {
    throw fail(
      "BATON_DB_UNREACHABLE",
      { url: target.display, dialect: "sqlite", at: target.path, reason: messageOf(error) },
      { cause: error },
    );
  }
  const db = new Kysely<DatabaseSchema>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
  return { db, dialect: "sqlite", target, close: () => db.destroy() };
}

/**
 * Baton's transactions all write. `begin immediate` takes the write lock up front, so a second
 * process waits on the busy timeout instead of failing when it upgrades a read lock (SQLITE_BUSY).
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly sqliteConfig: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(sqliteConfig);
  }

  override createDriver(): SqliteDriver {
    return new ImmediateSqliteDriver(this.sqliteConfig);
  }
}

async function openPostgres(
  target: Extract<DatabaseTarget, { dialect: "postgres" }>,
  options: OpenOptions,
): Promise<Database> {
  // Loaded only for PostgreSQL, so commands on SQLite start without it.
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({
    connectionString: target.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === PG_INT8_OID || oid === PG_NUMERIC_OID
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
    },
  });
  // A client losing its connection must not crash the process: an idle one (the pool's event), or
  // one checked out between two statements (a transaction), which the pool does not listen to.
  // The statement in flight, or the next one, reports it; the pool replaces the client.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => {});
    throw fail(
      "BATON_DB_UNREACHABLE",
      { url: target.display, dialect: "postgres", at: target.display, reason: messageOf(error) },
      { cause: error },
    );
  }
  const db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: "postgres", target, close: () => db.destroy() };
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(messageOf).join("; ");
  }
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
