import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baton } from "../helpers/cli.ts";
import { TEST_DATABASE_URL, withSearchPath } from "../helpers/databases.ts";
import { makeWorld } from "../helpers/world.ts";

describe("baton db", () => {
  it("shows pending migrations on a new embedded database, applies them, then reports up to date", async () => {
    const w = makeWorld();
    const io = { cwd: w.cwd, env: w.env };
    const before = await baton(["db", "status"], io);
    expect(before).toMatchObject({ code: 0, err: "" });
    expect(before.out).toContain(`database: sqlite:${join(w.home, "baton.db")} (sqlite)`);
    expect(before.out).toMatch(/0001_initial\s+pending/);
    expect(before.out).toContain("2 pending: run `baton db migrate`");

    const migrate = await baton(["db", "migrate"], io);
    expect(migrate.code).toBe(0);
    expect(migrate.out).toContain("applied 2 migrations: 0001_initial, 0002_event_log");
    expect(existsSync(join(w.home, "baton.db"))).toBe(true);

    const again = await baton(["db", "migrate"], io);
    expect(again.out).toContain("up to date: all 2 migrations were already applied");
    const json = JSON.parse((await baton(["db", "status", "--json"], io)).out);
    expect(json).toMatchObject({
      dialect: "sqlite",
      pending: 0,
      migrations: [{ name: "0001_initial" }, { name: "0002_event_log" }],
    });
    expect(json.migrations[0].applied_at).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("uses the database named by --database-url, then DATABASE_URL, then the config file", async () => {
    const w = makeWorld();
    w.write("baton-home/config.yaml", "database:\n  url: sqlite:from-file.db\n");
    const fromFile = await baton(["db", "status"], { cwd: w.cwd, env: w.env });
    expect(fromFile.out).toContain(`sqlite:${join(w.cwd, "from-file.db")}`);
    const fromEnv = await baton(["db", "status"], {
      cwd: w.cwd,
      env: { ...w.env, DATABASE_URL: "sqlite:env.db" },
    });
    expect(fromEnv.out).toContain(`sqlite:${join(w.cwd, "env.db")}`);
    const fromFlag = await baton(["db", "status", "--database-url", "sqlite:flag.db"], {
      cwd: w.cwd,
      env: { ...w.env, DATABASE_URL: "sqlite:env.db" },
    });
    expect(fromFlag.out).toContain(`sqlite:${join(w.cwd, "flag.db")}`);
  });

  it("exits 2 with one line for an unsupported URL and 1 with the masked URL for an unreachable server", async () => {
    const w = makeWorld();
    const bad = await baton(["db", "status"], {
      cwd: w.cwd,
      env: { ...w.env, DATABASE_URL: "mysql://root:pw@h/db" },
    });
    expect(bad.code).toBe(2);
    expect(bad.out).toBe("");
    expect(bad.err).toMatch(
      /^baton: database\.url: unsupported database "mysql" in mysql:\/\/root:\*\*\*\*@h\/db; .*\n$/,
    );

    const down = await baton(["db", "migrate", "--database-url", "postgres://baton:pw@127.0.0.1:1/baton"], {
      cwd: w.cwd,
      env: w.env,
    });
    expect(down.code).toBe(1);
    expect(down.err).toMatch(
      /^baton: cannot reach PostgreSQL at postgres:\/\/baton:\*\*\*\*@127\.0\.0\.1:1\/baton: [^\n]+\n$/,
    );
  });

  it.skipIf(TEST_DATABASE_URL === undefined)("migrates and reports a PostgreSQL database", async () => {
    const { default: pg } = await import("pg");
    const schema = `baton_cli_${Date.now()}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    try {
      const w = makeWorld();
      const io = {
        cwd: w.cwd,
        env: { ...w.env, DATABASE_URL: withSearchPath(TEST_DATABASE_URL ?? "", schema) },
      };
      expect((await baton(["db", "migrate"], io)).out).toContain(
        "applied 2 migrations: 0001_initial, 0002_event_log",
      );
      const status = await baton(["db", "status"], io);
      expect(status.out).toContain("(postgres)");
      expect(status.out).toContain("all migrations applied");
    } finally {
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    }
  });
});

describe("baton", () => {
  it("exits 2 on an unknown command and points to --help", async () => {
    const w = makeWorld();
    const { code, err } = await baton(["frobnicate"], { cwd: w.cwd, env: w.env });
    expect(code).toBe(2);
    expect(err).toContain("unknown command 'frobnicate'");
    expect(err).toContain("baton --help");
  });
});
