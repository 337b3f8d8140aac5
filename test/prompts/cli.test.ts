import { expect, it } from "vitest";
import { readBuiltinPrompt } from "../../src/agent/prompts.ts";
import type { PromptVersionWithStats } from "../../src/review/version-stats.ts";
import { batonScript, SCRIPTED_PROMPT_ADDITION, textReply } from "../../src/scripted-model/index.ts";
import { readWorld, runBaton } from "../cli/read-commands-fixture.ts";
import { useScriptedModel } from "../helpers/scripted-model.ts";
import { reviewedSession } from "./fixtures.ts";

const scripted = useScriptedModel();

/** A CLI world with one project ("todo") whose two coding sessions were reviewed. */
async function reviewedWorld() {
  const w = await readWorld();
  const project = await w.stores.projects.create({ name: "todo", directory: w.dirOf("todo") });
  await reviewedSession(w.stores, project.id, {});
  await reviewedSession(w.stores, project.id, { rating: 6 });
  const env = { ...w.env, PATH: process.env.PATH, HOME: process.env.HOME, ...scripted().env() };
  const baton = (...args: string[]) => runBaton(args, { cwd: w.cwd, env });
  return { ...w, project, baton };
}

it("improves the coding prompt from the CLI: analyse, apply, show, diff and roll back", async () => {
  const { baton } = await reviewedWorld();

  const listed = await baton("prompts", "list");
  expect(listed.code).toBe(0);
  expect(listed.out).toMatch(/^coding\s+v1\s+\*\s+builtin\s+0\s+-\s+-/m);
  expect(listed.out).toMatch(/^initializer\s+v1\s+\*\s+builtin/m);

  const improved = await baton("improve", "--projects", "todo", "--days", "7");
  expect(improved.err).toBe("");
  expect(improved.code).toBe(0);
  expect(improved.out).toMatch(/^analysis 1: completed, 2 sessions analysed, 1 theme/);
  expect(improved.out).toContain("proposal 1 [proposed] coding / no_browser_verification, confidence 0.80");
  expect(improved.out).toContain(`  + `);
  expect(improved.out).toContain("evidence: todo #0, todo #1");
  expect(improved.out).toContain("left out: initializer / planning: its before text is not in the prompt");

  expect((await baton("prompts", "proposals")).out).toMatch(
    /^\s*1\s+1\s+proposed\s+coding\s+no_browser_verification/m,
  );
  expect((await baton("prompts", "analyses")).out).toMatch(/^\s*1\s+completed\s+2/m);
  expect((await baton("prompts", "accept", "1")).out).toContain("proposal 1 [accepted]");

  const applied = await baton("prompts", "apply", "1");
  expect(applied.code).toBe(0);
  expect(applied.out).toContain("applied proposal 1: coding v2 (active), proposal");
  expect(applied.out).toContain("roll back with `baton prompts activate coding 1`");
  expect((await baton("prompts", "show", "coding")).out).toContain(SCRIPTED_PROMPT_ADDITION);
  const diff = await baton("prompts", "diff", "coding", "1", "2");
  expect(diff.out).toContain("--- coding v1");
  expect(diff.out).toMatch(new RegExp(`^\\+.*${SCRIPTED_PROMPT_ADDITION}$`, "m"));

  expect((await baton("prompts", "activate", "coding", "1")).out).toContain("activated coding v1 (active)");
  const shown = await baton("prompts", "show", "coding");
  expect(shown.out).not.toContain(SCRIPTED_PROMPT_ADDITION);
  expect(shown.out).toContain(readBuiltinPrompt("coding"));
  expect((await baton("prompts", "show", "coding", "--version", "2")).out).toContain(
    SCRIPTED_PROMPT_ADDITION,
  );

  const versions = JSON.parse(
    (await baton("prompts", "list", "coding", "--json")).out,
  ) as PromptVersionWithStats[];
  expect(versions.map((v) => [v.version, v.active, v.source])).toEqual([
    [1, true, "builtin"],
    [2, false, "proposal"],
  ]);
});

it("applies every proposal with improve --apply-all", async () => {
  const { baton } = await reviewedWorld();
  const improved = await baton("improve", "--apply-all");
  expect(improved.code).toBe(0);
  expect(improved.out).toContain("applied proposal 1: coding v2 (active)");
  expect((await baton("prompts", "proposals", "--status", "applied")).out).toMatch(/^\s*1\s+1\s+applied/m);
});

it("refuses bad input with a clear message and a non-zero exit", async () => {
  const { baton } = await reviewedWorld();
  const cases: [string[], number, string][] = [
    [
      ["prompts", "show", "planner"],
      2,
      'unknown prompt "planner": expected one of initializer, coding, review',
    ],
    [["prompts", "show", "coding", "--version", "9"], 1, "the coding prompt has no version 9"],
    [["prompts", "diff", "coding", "1", "x"], 2, 'TO: expected a whole number ≥ 1, got "x"'],
    [["prompts", "activate", "coding", "0"], 2, "VERSION: expected a whole number ≥ 1"],
    [["prompts", "apply", "42"], 1, "no prompt proposal with the id 42"],
    [["prompts", "proposals", "--status", "done"], 2, '--status: unknown status "done"'],
    [["prompts", "proposals", "--analysis", "5"], 1, "no prompt analysis with the id 5"],
    [["improve", "--days", "0"], 2, '--days: expected a whole number ≥ 1, got "0"'],
    [["improve", "--projects", "nosuch"], 1, "no project with the id or name nosuch"],
    [["improve", "--projects", ","], 2, "--projects: expected comma-separated project names or ids"],
  ];
  for (const [args, code, message] of cases) {
    const result = await baton(...args);
    expect([args.join(" "), result.code]).toEqual([args.join(" "), code]);
    expect(result.err).toContain(message);
  }

  // Applying twice, or after a reject: a conflict, and nothing changes.
  await baton("improve");
  expect((await baton("prompts", "apply", "1")).code).toBe(0);
  const twice = await baton("prompts", "apply", "1");
  expect(twice.code).toBe(1);
  expect(twice.err).toContain("proposal 1 is applied already");
});

it("exits non-zero when the analysis fails", async () => {
  const { baton } = await reviewedWorld();
  scripted().setScript(() => textReply("no JSON here"));
  try {
    const failed = await baton("improve");
    expect(failed.code).toBe(1);
    expect(failed.out).toContain("analysis 1: error");
    expect(failed.err).toContain("analysis 1 failed: the model's analysis reply could not be read");
  } finally {
    scripted().setScript(batonScript);
  }
});
