import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.ts";
import { migrationStatus } from "../../src/db/migrate.ts";
import { resolveDatabaseTarget } from "../../src/db/url.ts";
import { isBatonError } from "../../src/errors.ts";
import { TEST_DATABASE_URL, withSearchPath } from "../helpers/databases.ts";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "baton-open-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("opening the database", () => {
  it("creates a missing database directory and migrates the new file", async () => {
    const dir = tempDir();
    const path = join(dir, "deep", "er", "baton.db");
    const database = await openDatabase(resolveDatabaseTarget(`sqlite:${path}`, { home: dir, cwd: dir }));
    try {
      expect(existsSync(path)).toBe(true);
      expect(await migrationStatus(database)).toEqual([
        { name: "0001_initial", applied_at: expect.any(String) },
        { name: "0002_event_log", applied_at: expect.any(String) },
      ]);
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(database.db);
      expect(mode.rows[0]?.journal_mode).toBe("wal");
      const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(database.db);
      expect(fk.rows[0]?.foreign_keys).toBe(1);
    } finally {
      await database.close();
    }
  });

  it("leaves migrations pending when asked not to migrate, and applies them once", async () => {
    const dir = tempDir();
    const target = resolveDatabaseTarget(`sqlite:${join(dir, "b.db")}`, { home: dir, cwd: dir });
    const bare = await openDatabase(target, { migrate: false });
    expect(await migrationStatus(bare)).toEqual([
      { name: "0001_initial", applied_at: null },
      { name: "0002_event_log", applied_at: null },
    ]);
    await bare.close();
    const first = await openDatabase(target);
    await first.close();
    const again = await openDatabase(target);
    const status = await migrationStatus(again);
    await again.close();
    expect(status[0]?.applied_at).not.toBeNull();
  });

  it("says clearly when the SQLite path cannot be a database", async () => {
    const dir = tempDir();
    const blocker = join(dir, "not-a-dir");
    writeFileSync(blocker, "x");
    const error = await openDatabase(
      resolveDatabaseTarget(`sqlite:${join(blocker, "baton.db")}`, { home: dir, cwd: dir }),
    ).catch((e: unknown) => e);
    expect(isBatonError(error, "BATON_DB_UNREACHABLE")).toBe(true);
    expect((error as Error).message).toContain(
      `cannot open the SQLite database at ${join(blocker, "baton.db")}`,
    );
  });

  it("gives one line with the masked URL when PostgreSQL cannot be reached", async () => {
    const url = "postgres://baton:topsecret@127.0.0.1:1/baton";
    const started = Date.now();
    const error = await openDatabase(resolveDatabaseTarget(url, { home: "/", cwd: "/" })).catch(
      (e: unknown) => e,
    );
    expect(isBatonError(error, "BATON_DB_UNREACHABLE")).toBe(true);
    const message = (error as Error).message;
    expect(message).toMatch(
      /^cannot reach PostgreSQL at postgres:\/\/baton:\*\*\*\*@127\.0\.0\.1:1\/baton: .*ECONNREFUSED/,
    );
    expect(message).not.toContain("topsecret");
    expect(message).not.toContain("\n");
    expect(Date.now() - started).toBeLessThan(6_000);
  });
});

describe.skipIf(TEST_DATABASE_URL === undefined)("opening PostgreSQL", () => {
  it("names the missing database when the server answers but the database does not exist", async () => {
    const url = new URL(TEST_DATABASE_URL ?? "postgres://x");
    url.pathname = "/baton_no_such_database";
    const error = await openDatabase(resolveDatabaseTarget(url.toString(), { home: "/", cwd: "/" })).catch(
      (e: unknown) => e,
    );
    expect(isBatonError(error, "BATON_DB_UNREACHABLE")).toBe(true);
    expect((error as Error).message).toContain('database "baton_no_such_database" does not exist');
  });

  it("migrates concurrently started processes exactly once", async () => {
    const schema = `baton_race_${Date.now()}`;
    const { default: pg } = await import("pg");
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    try {
      const target = resolveDatabaseTarget(withSearchPath(TEST_DATABASE_URL ?? "", schema), {
        home: "/",
        cwd: "/",
      });
      const opened = await Promise.all([openDatabase(target), openDatabase(target), openDatabase(target)]);
      const status = await migrationStatus(opened[0] as (typeof opened)[0]);
      for (const d of opened) await d.close();
      expect(status.map((s) => s.name)).toEqual(["0001_initial", "0002_event_log"]);
      const rows = await admin.query(`select count(*)::int as n from ${schema}.baton_migrations`);
      expect(rows.rows[0].n).toBe(2);
    } finally {
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    }
  });
});
