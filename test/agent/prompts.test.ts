import { expect, it } from "vitest";
import { activePrompt, readBuiltinPrompt, renderPrompt } from "../../src/agent/prompts.ts";
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
