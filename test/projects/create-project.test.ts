import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { isBatonError } from "../../src/errors.ts";
import { createProject } from "../../src/projects/create-project.ts";
import { readSpec } from "../../src/projects/spec.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { makeWorld } from "../helpers/world.ts";

describeEachDatabase("creating a project from a spec", (db) => {
  it("records the project and lays out a git repository holding a copy of the spec", async () => {
    const t = db();
    const w = makeWorld();
    const spec = w.write("spec.md", "# Todo app\nA list of todos.\n");
    const project = await createProject(t.stores, {
      name: "todo",
      directory: join(w.root, "gen", "todo"),
      spec,
    });
    expect(project).toMatchObject({ name: "todo", status: "created", spec_path: spec });
    expect(project.spec_sha256).toBe(readSpec(spec).sha256);
    expect(readFileSync(join(project.directory, "spec", "spec.md"), "utf8")).toContain("Todo app");
    const email = execFileSync("git", ["config", "user.email"], { cwd: project.directory }).toString().trim();
    expect(email).not.toBe("");
    expect(existsSync(join(project.directory, ".git"))).toBe(true);
  });

  it("reads every .md and .txt of a spec folder, and its hash changes with any of them", async () => {
    const w = makeWorld();
    w.write("specs/a.md", "# A");
    w.write("specs/b.txt", "B");
    w.write("specs/ignored.png", "x");
    const before = readSpec(join(w.root, "specs"));
    expect(before.files.map((f) => f.name)).toEqual(["a.md", "b.txt"]);
    w.write("specs/b.txt", "B changed");
    expect(readSpec(join(w.root, "specs")).sha256).not.toBe(before.sha256);
  });

  it("refuses a bad spec or a used directory and leaves nothing behind", async () => {
    const t = db();
    const w = makeWorld();
    const dir = join(w.root, "gen", "x");
    for (const [spec, message] of [
      [join(w.root, "missing.md"), "does not exist"],
      [w.write("spec.pdf", "%PDF"), "is not a .md or .txt file"],
      [w.write("empty.md", ""), "is empty"],
    ] as const) {
      const error = await createProject(t.stores, { name: "x", directory: dir, spec }).catch(
        (e: unknown) => e,
      );
      expect(isBatonError(error, "BATON_SPEC_INVALID"), message).toBe(true);
      expect((error as Error).message).toContain(message);
    }
    mkdirSync(join(w.root, "used"));
    writeFileSync(join(w.root, "used", "file"), "x");
    const spec = w.write("ok.md", "# ok");
    await expect(
      createProject(t.stores, { name: "x", directory: join(w.root, "used"), spec }),
    ).rejects.toThrow("is not empty");
    expect(await t.stores.projects.list()).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });

  it("keeps the existing project and directory when the name is taken", async () => {
    const t = db();
    const w = makeWorld();
    const spec = w.write("spec.md", "# ok");
    await createProject(t.stores, { name: "dup", directory: join(w.root, "one"), spec });
    await expect(
      createProject(t.stores, { name: "dup", directory: join(w.root, "two"), spec }),
    ).rejects.toThrow("a project named dup already exists");
    expect(existsSync(join(w.root, "two"))).toBe(false);
    expect(existsSync(join(w.root, "one", "spec", "spec.md"))).toBe(true);
  });
});
