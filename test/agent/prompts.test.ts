import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { activePrompt, promptValues, readBuiltinPrompt, renderPrompt } from "../../src/agent/prompts.ts";
import type { Project } from "../../src/projects/model.ts";
import { SPEC_DIR } from "../../src/projects/spec.ts";
import type { Session } from "../../src/sessions/model.ts";
import { describeEachDatabase } from "../helpers/databases.ts";

describeEachDatabase("prompt versions", (db) => {
  it("stores a built-in prompt as version 1 on first use and reuses it after", async () => {
    const t = db();
    const first = await activePrompt(t.stores.prompts, "coding");
    expect(first).toMatchObject({
      version: 1,
      source: "builtin",
      active: true,
      content: readBuiltinPrompt("coding"),
    });
    expect((await activePrompt(t.stores.prompts, "coding")).id).toBe(first.id);
  });

  it("stores version 1 once when several processes' first sessions start at the same moment", async () => {
    const t = db();
    // Eight first uses at once, on the pool's separate connections (PostgreSQL): one stores it,
    // the others find it — none fails (seen as a refused run when three workers started at once).
    const all = await Promise.all(Array.from({ length: 8 }, () => activePrompt(t.stores.prompts, "coding")));
    expect(new Set(all.map((v) => v.id)).size).toBe(1);
    expect(await t.stores.prompts.listVersions("coding")).toHaveLength(1);
  });

  it("stores a changed built-in prompt as a new version, but never replaces one a person chose", async () => {
    const t = db();
    // An older built-in text is active: the current file is newer, so it becomes version 2.
    await t.stores.prompts.createVersion({
      name: "coding",
      content: "old built-in text",
      source: "builtin",
      activate: true,
    });
    const upgraded = await activePrompt(t.stores.prompts, "coding");
    expect(upgraded).toMatchObject({ version: 2, source: "builtin", content: readBuiltinPrompt("coding") });

    // A person rolls back to version 1: it stays, although it is older than the file.
    const v1 = (await t.stores.prompts.listVersions("coding"))[0];
    await t.stores.prompts.activate(v1?.id ?? 0);
    expect((await activePrompt(t.stores.prompts, "coding")).version).toBe(1);

    // A version applied from a proposal stays too.
    const applied = await t.stores.prompts.createVersion({
      name: "coding",
      content: "improved",
      source: "proposal",
      activate: true,
    });
    expect((await activePrompt(t.stores.prompts, "coding")).id).toBe(applied.id);
  });
});

it("fills placeholders and refuses a template with an unknown one", () => {
  expect(
    renderPrompt("Session {{session_number}} of {{project_name}}", {
      session_number: 3,
      project_name: "todo",
    }),
  ).toBe("Session 3 of todo");
  expect(() => renderPrompt("{{nope}}", {})).toThrow("{{nope}} has no value");
  for (const name of ["initializer", "coding"] as const) {
    expect(() =>
      renderPrompt(readBuiltinPrompt(name), {
        session_number: 1,
        project_name: "p",
        spec_location: "spec/",
        spec_files: "a.md",
      }),
    ).not.toThrow();
  }
});

it("names the spec files only when the spec folder is a real folder, never a link a session planted", () => {
  const dir = mkdtempSync(join(tmpdir(), "baton-prompt-"));
  const outside = mkdtempSync(join(tmpdir(), "baton-outside-"));
  try {
    writeFileSync(join(outside, "id_rsa"), "secret");
    const project = { name: "p", directory: dir, spec_path: join(dir, SPEC_DIR) } as Project;
    const session = { number: 2 } as Session;
    mkdirSync(join(dir, SPEC_DIR));
    writeFileSync(join(dir, SPEC_DIR, "b.md"), "b");
    writeFileSync(join(dir, SPEC_DIR, "a.md"), "a");
    expect(promptValues(project, session)).toEqual({
      project_name: "p",
      session_number: 2,
      spec_location: `${SPEC_DIR}/`,
      spec_files: "a.md, b.md",
    });
    rmSync(join(dir, SPEC_DIR), { recursive: true });
    symlinkSync(outside, join(dir, SPEC_DIR));
    expect(promptValues(project, session).spec_files).toBe("no files");
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  }
});
