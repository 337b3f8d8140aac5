import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.ts";
import { createStores } from "../../src/db/stores/index.ts";
import { resolveDatabaseTarget } from "../../src/db/url.ts";
import { baton } from "../helpers/cli.ts";
import { makeWorld } from "../helpers/world.ts";

it("builds the demo app offline with the scripted model, says so, and leaves the user's database alone", async () => {
  const w = makeWorld();
  const dir = join(w.root, "demo");
  const env = {
    ...w.env,
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ANTHROPIC_API_KEY: "sk-real-key-never-used",
  };
  const { code, out, err } = await baton(["demo", "--dir", dir, "--max-sessions", "3"], { cwd: w.cwd, env });
  expect(err).toBe("");
  expect(code).toBe(0);
  expect(out.startsWith("SCRIPTED MODEL:")).toBe(true);
  expect(out).toContain("▶ session 0 (initializer)");
  expect(out).toContain("▶ session 2 (coding)");
  expect(out).toContain("★ quick check of session 2: 10/10");
  expect(out).toMatch(/Stopped: 3 sessions in [\d.]+s; 2\/5 tasks, 2\/5 tests passing\./);
  expect(execFileSync("node", ["src/say-hello.js"], { cwd: join(dir, "greeter") }).toString()).toBe(
    "ok: Say hello\n",
  );

  const database = await openDatabase(
    resolveDatabaseTarget(`sqlite:${join(dir, "baton.db")}`, { home: dir, cwd: dir }),
  );
  const sessions = await createStores(database.db).sessions.list(1);
  await database.close();
  expect(sessions.map((s) => [s.number, s.status, s.model])).toEqual([
    [2, "completed", "sonnet"],
    [1, "completed", "sonnet"],
    [0, "completed", "opus"],
  ]);
  // The demo used its own database, never the Baton home's.
  expect((await baton(["db", "status"], { cwd: w.cwd, env })).out).toMatch(/0001_initial\s+pending/);
});

it("refuses a session limit that is not a whole number", async () => {
  const w = makeWorld();
  const { code, err } = await baton(["demo", "--max-sessions", "lots"], { cwd: w.cwd, env: w.env });
  expect(code).toBe(2);
  expect(err).toBe('baton: --max-sessions: expected a whole number ≥ 1, got "lots"\n');
});
