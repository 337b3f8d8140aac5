import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterEach, beforeEach, describe } from "vitest";
import type { Clock } from "../../src/db/clock.ts";
import { type Database, openDatabase } from "../../src/db/database.ts";
import type { Dialect } from "../../src/db/dialect.ts";
import { createStores, type Stores } from "../../src/db/stores/index.ts";
import { resolveDatabaseTarget } from "../../src/db/url.ts";

/** The PostgreSQL server the suite runs against; unset → the PostgreSQL half is skipped. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() || undefined;

export interface TestClock {
  clock: Clock;
  /** Moves time forward. */
  advance(ms: number): void;
}

export function testClock(start = "2026-01-01T00:00:00.000Z"): TestClock {
  let now = new Date(start).getTime();
  return {
    // Every reading is 1 ms later than the last, so timestamps are strictly increasing.
    clock: () => new Date(now++),
    advance: (ms) => {
      now += ms;
    },
  };
}

export interface TestDatabase {
  dialect: Dialect;
  database: Database;
  stores: Stores;
  time: TestClock;
  /** A second, independent connection to the same database (another process, in effect). */
  reopen(): Promise<Database>;
  cleanup(): Promise<void>;
}

/**
 * A new, migrated, empty database: a temp SQLite file, or a fresh schema on the test PostgreSQL
 * (named `baton_test_<random>`, or `<schemaPrefix><random>`).
 */
export async function createTestDatabase(
  dialect: Dialect,
  schemaPrefix = "baton_test_",
): Promise<TestDatabase> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "baton-test-"));
    const url = `sqlite:${join(dir, "nested", "baton.db")}`;
    return assemble(
      dialect,
      () => openDatabase(resolveDatabaseTarget(url, { home: dir, cwd: dir })),
      async () => rmSync(dir, { recursive: true, force: true }),
    );
  }
  if (TEST_DATABASE_URL === undefined) throw new Error("TEST_DATABASE_URL is not set");
  const schema = `${schemaPrefix}${randomBytes(6).toString("hex")}`;
  await adminQuery(`create schema ${schema}`);
  const url = withSearchPath(TEST_DATABASE_URL, schema);
  return assemble(
    dialect,
    () => openDatabase(resolveDatabaseTarget(url, { home: tmpdir(), cwd: tmpdir() }), { poolSize: 4 }),
    () => adminQuery(`drop schema ${schema} cascade`),
  );
}

async function assemble(
  dialect: Dialect,
  open: () => Promise<Database>,
  dispose: () => Promise<void>,
): Promise<TestDatabase> {
  const time = testClock();
  const database = await open();
  const opened = [database];
  return {
    dialect,
    database,
    stores: createStores(database.db, { clock: time.clock }),
    time,
    reopen: async () => {
      const another = await open();
      opened.push(another);
      return another;
    },
    cleanup: async () => {
      for (const d of opened) await d.close();
      await dispose();
    },
  };
}

/** A connection URL whose sessions use `schema` (pg passes `options` to the server at startup). */
export function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set("options", `-c search_path=${schema}`);
  return u.toString();
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export const DIALECTS: readonly Dialect[] = ["sqlite", "postgres"];

/**
 * Runs a suite unchanged against each database, with a fresh database for every test. Without
 * TEST_DATABASE_URL the PostgreSQL half shows as skipped.
 */
export function describeEachDatabase(name: string, suite: (db: () => TestDatabase) => void): void {
  for (const dialect of DIALECTS) {
    const skip = dialect === "postgres" && TEST_DATABASE_URL === undefined;
    (skip ? describe.skip : describe)(`${name} [${dialect}]`, () => {
      let current: TestDatabase | undefined;
      beforeEach(async () => {
        current = await createTestDatabase(dialect);
      });
      afterEach(async () => {
        await current?.cleanup();
        current = undefined;
      });
      suite(() => {
        if (!current) throw new Error("the test database is only available inside a test");
        return current;
      });
    });
  }
}
