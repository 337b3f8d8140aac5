import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.ts";
import { createStores } from "../../src/db/stores/index.ts";
import { resolveDatabaseTarget } from "../../src/db/url.ts";

const run = promisify(execFile);

it("lets several processes write to one SQLite file at once without losing or duplicating rows", async () => {
  const dir = mkdtempSync(join(tmpdir(), "baton-procs-"));
  const path = join(dir, "baton.db");
  const database = await openDatabase(resolveDatabaseTarget(`sqlite:${path}`, { home: dir, cwd: dir }));
  try {
    const stores = createStores(database.db);
    const project = await stores.projects.create({ name: "shared", directory: join(dir, "shared") });
    const script = join(import.meta.dirname, "..", "helpers", "create-sessions.ts");
    await Promise.all(
      [1, 2, 3].map(() =>
        run(process.execPath, ["--import", "tsx", script, path, String(project.id), "150"]),
      ),
    );
    const sessions = await stores.sessions.list(project.id);
    expect(sessions.map((s) => s.number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 450 }, (_, i) => i),
    );
    expect(sessions.every((s) => s.event_count === 1)).toBe(true);
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
