import { describe, expect, it } from "vitest";
import { resolveDatabaseTarget } from "../../src/db/url.ts";
import { isBatonError } from "../../src/errors.ts";

const where = { home: "/home/u/.baton", cwd: "/work/app" };

describe("database.url", () => {
  it("defaults to the embedded SQLite file in the Baton home", () => {
    expect(resolveDatabaseTarget(null, where)).toMatchObject({
      dialect: "sqlite",
      path: "/home/u/.baton/baton.db",
    });
    expect(resolveDatabaseTarget("  ", where)).toMatchObject({
      dialect: "sqlite",
      path: "/home/u/.baton/baton.db",
    });
  });

  it("accepts sqlite:, file: and plain paths, relative ones from the working directory", () => {
    expect(resolveDatabaseTarget("sqlite:data/b.db", where)).toMatchObject({ path: "/work/app/data/b.db" });
    expect(resolveDatabaseTarget("sqlite:///var/b.db", where)).toMatchObject({ path: "/var/b.db" });
    expect(resolveDatabaseTarget("file:/var/c.db", where)).toMatchObject({ path: "/var/c.db" });
    expect(resolveDatabaseTarget("./d.db", where)).toMatchObject({
      dialect: "sqlite",
      path: "/work/app/d.db",
    });
    expect(resolveDatabaseTarget("sqlite::memory:", where)).toMatchObject({ path: ":memory:" });
  });

  it("accepts postgres:// and postgresql:// and masks the password for display", () => {
    const t = resolveDatabaseTarget("postgresql://baton:s3cret@db:5432/baton", where);
    expect(t).toMatchObject({ dialect: "postgres", url: "postgresql://baton:s3cret@db:5432/baton" });
    expect(t.display).toBe("postgresql://baton:****@db:5432/baton");
  });

  it("refuses an unknown scheme, naming it and the accepted forms, without leaking the password", () => {
    let error: unknown;
    try {
      resolveDatabaseTarget("mysql://root:hunter2@localhost/baton", where);
    } catch (e) {
      error = e;
    }
    expect(isBatonError(error, "BATON_DB_URL_UNSUPPORTED")).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('unsupported database "mysql"');
    expect(message).toContain("postgres://");
    expect(message).toContain("sqlite:PATH");
    expect(message).not.toContain("hunter2");
  });
});
