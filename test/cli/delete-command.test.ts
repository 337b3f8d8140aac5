import { existsSync } from "node:fs";
import { expect, it } from "vitest";
import { baton, batonEnv } from "../helpers/cli.ts";
import { describeEachDatabase, type TestDatabase } from "../helpers/databases.ts";
import { newProject } from "../helpers/projects.ts";

async function setUp(t: TestDatabase) {
  const { project, world: w } = await newProject(t.stores, { name: "notes", spec: "# Notes\n- Add note\n" });
  const run = (args: string[]) => baton(args, { cwd: w.cwd, env: batonEnv(t, null, w.home) });
  return { project, run };
}

describeEachDatabase("baton delete", (db) => {
  it("needs the project named again, and refuses while a session of it runs, deleting nothing", async () => {
    const t = db();
    const { project, run } = await setUp(t);
    const wrong = await run(["delete", "notes", "--yes", "todo"]);
    expect([wrong.code, wrong.err]).toEqual([
      2,
      "baton: --yes todo does not match: deleting project notes needs --yes notes\n",
    ]);
    const session = await t.stores.sessions.create(project.id, { type: "initializer", model: "opus" });
    await t.stores.sessions.start(session.id, { workerId: "elsewhere" });
    const busy = await run(["delete", "notes", "--yes", "notes", "--files"]);
    expect(busy.code).toBe(1);
    expect(busy.err).toBe(
      "baton: session 0 of this project is running (worker elsewhere); stop it (or wait for it to end) before deleting it\n",
    );
    expect((await t.stores.projects.get(project.id)).name).toBe("notes");
    expect(existsSync(project.directory)).toBe(true);
  });

  it("deletes the project's rows, leaving its deletion as an event, and its folder only with --files", async () => {
    const t = db();
    const { project, run } = await setUp(t);
    const kept = await run(["delete", String(project.id), "--yes", "notes"]);
    expect([kept.code, kept.out]).toEqual([
      0,
      `deleted project notes (its folder ${project.directory} is kept)\n`,
    ]);
    await expect(t.stores.projects.get(project.id)).rejects.toThrow("no project with the id or name");
    expect(existsSync(project.directory)).toBe(true);
    const events = await t.stores.sessions.listProjectEvents(project.id);
    expect(events.map((e) => [e.type, e.payload])).toEqual([["project_deleted", { name: "notes" }]]);

    const again = await setUp(t);
    const removed = await again.run(["delete", "notes", "--yes", "notes", "--files"]);
    expect([removed.code, removed.out]).toEqual([
      0,
      `deleted project notes and its folder ${again.project.directory}\n`,
    ]);
    expect(existsSync(again.project.directory)).toBe(false);
  });
});
