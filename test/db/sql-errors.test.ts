import pg from "pg";
import { describe, expect, it } from "vitest";
import { isConnectionLost } from "../../src/db/sql-errors.ts";
import { TEST_DATABASE_URL } from "../helpers/databases.ts";

describe("a lost database connection", () => {
  it("is told apart from a wrong statement, also when wrapped", () => {
    const coded = (code: string) => Object.assign(new Error("x"), { code });
    expect(isConnectionLost(coded("57P01"))).toBe(true); // terminated by the administrator
    expect(isConnectionLost(coded("08006"))).toBe(true);
    expect(isConnectionLost(coded("ECONNREFUSED"))).toBe(true);
    expect(isConnectionLost(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isConnectionLost(new Error("the run failed", { cause: coded("57P01") }))).toBe(true);
    expect(isConnectionLost(coded("23505"))).toBe(false);
    expect(isConnectionLost(coded("42P01"))).toBe(false);
    expect(isConnectionLost(new Error("project 3 has no plan yet"))).toBe(false);
    expect(isConnectionLost("57P01")).toBe(false);
  });

  (TEST_DATABASE_URL ? it : it.skip)(
    "is what PostgreSQL says when a backend is terminated [postgres]",
    async () => {
      const victim = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await victim.connect();
      victim.on("error", () => {});
      const { rows } = await victim.query<{ pid: number }>("select pg_backend_pid() as pid");
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      const sleeping = victim.query("select pg_sleep(30)").catch((e: unknown) => e);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await admin.query("select pg_terminate_backend($1)", [rows[0]?.pid]);
      await admin.end();
      expect(isConnectionLost(await sleeping)).toBe(true);
      await victim.end().catch(() => {});
    },
  );
});
