import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withoutCredentials } from "../../src/agent/credentials.ts";
import { batonScript, type ScriptedModel, startScriptedModel } from "../../src/scripted-model/index.ts";
import { type ReadWorld, readWorld } from "../cli/read-commands-fixture.ts";
import { baton } from "../helpers/cli.ts";
import { playSession, type Step } from "./played-session.ts";

let model: ScriptedModel;
beforeAll(async () => {
  model = await startScriptedModel(batonScript);
});
afterAll(() => model.close());

/** Project "notes": the initializer, then session 1 (UI work, no browser: 4/10) and session 2 (with the browser: 10/10). */
async function notes(w: ReadWorld) {
  mkdirSync(w.dirOf("notes"), { recursive: true });
  const project = await w.stores.projects.create({ name: "notes", directory: w.dirOf("notes") });
  const init = await w.stores.sessions.create(project.id, { type: "initializer", model: "opus" });
  await w.stores.sessions.finish(init.id, { status: "completed" });
  const epic = await w.stores.plan.createEpic(project.id, { name: "Notes" });
  const work = async (description: string, browser: Step[]) => {
    const task = await w.stores.plan.createTask(project.id, epic.id, {
      description,
      tests: [{ description: `${description} works`, steps: ["open the page"] }],
    });
    return playSession(w.stores, project.id, [
      { task: "get_next_task" },
      { task: "start_task", args: { task_id: task.id } },
      ...browser,
      {
        task: "update_test_result",
        args: { test_id: task.tests[0]?.id, passes: true, evidence: "saw it on the page" },
      },
      { task: "update_task_status", args: { task_id: task.id, done: true } },
      { tool: "Bash", input: { command: "git commit -qam 'work'" } },
    ]);
  };
  await work("Show the notes page", []);
  await work("Add a form to write a note", [
    { tool: "mcp__playwright__browser_navigate", input: { url: "http://127.0.0.1:3000" } },
    { tool: "mcp__playwright__browser_take_screenshot", input: {} },
  ]);
  return project;
}

describe("baton review", () => {
  it("prints the newest session's quick check, computing and storing it when it is missing", async () => {
    const w = await readWorld();
    const project = await notes(w);
    const r = await baton(["review", "--project", "notes", "--session", "1"], w.io);
    expect(r).toMatchObject({ code: 0, err: "" });
    expect(r.out).toContain("# Review of notes");
    expect(r.out).toContain("## Session 1 (completed, sonnet)");
    expect(r.out).toContain("**Quick check: 4/10**");
    expect(r.out).toContain("- no browser verification on a UI task: −6 (`no_browser_verification`)");
    expect(r.out).toContain("browser: 0 navigations, 0 screenshots");
    expect((await w.stores.quality.forProject(project.id, { kind: "quick" })).length).toBe(1);

    const newest = await baton(["review", "--project", "notes"], w.io);
    expect(newest.out).toContain("## Session 2 ");
    expect(newest.out).toContain("**Quick check: 10/10**");
    expect(newest.out).not.toContain("## Session 1 ");
  });

  it("scores with the points of review.rules from the configuration", async () => {
    const w = await readWorld();
    await notes(w);
    const env = { ...w.env, BATON_REVIEW_RULES: '{"no_browser_verification": {"points": 3}}' };
    const r = await baton(["review", "--project", "notes", "--session", "1"], { cwd: w.cwd, env });
    expect(r.out).toContain("**Quick check: 7/10**");
    expect(r.out).toContain("- no browser verification on a UI task: −3 (`no_browser_verification`)");
  });

  it("runs a deep review now with --deep, waits for it and prints its recommendations", async () => {
    const w = await readWorld();
    const project = await notes(w);
    const env = { ...withoutCredentials({ ...process.env, ...w.env }), ...model.env() };
    const r = await baton(["review", "--project", "notes", "--session", "1", "--deep"], { cwd: w.cwd, env });
    expect(r.err).toBe("deep review of session 1 with sonnet…\n");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\*\*Deep review: 4\/10\*\* \(/);
    expect(r.out).toContain("## Review of session 1 of notes");
    expect(r.out).toContain(
      "- **high** · browser verification: Avoid this next time: no browser verification on a UI task.",
    );
    const [deep] = await w.stores.quality.forProject(project.id, { kind: "deep" });
    expect(deep?.rating).toBe(4);
    const [review] = await w.stores.sessions.list(project.id, { type: "review" });
    expect(existsSync(join(w.home, "logs", String(project.id), `${review?.log_path}.jsonl`))).toBe(true);
  });

  it("summarises the ratings of the last sessions with --type trends, and writes the final report with --output", async () => {
    const w = await readWorld();
    await notes(w);
    const trends = await baton(["review", "--project", "notes", "--type", "trends", "--last-n", "5"], w.io);
    expect(trends.code).toBe(0);
    expect(trends.out).toContain("# Quality trend of notes (last 2 sessions)");
    expect(trends.out).toContain(
      "Average quick rating 7.0/10 · older half 4.0/10 → newer half 10.0/10: **improving**",
    );
    expect(trends.out).toContain("| 1 | 4/10 | – | ████ |");
    expect(trends.out).toContain("- `no_browser_verification`: 1 session (1)");

    const final = await baton(
      ["review", "--project", "notes", "--type", "final", "--output", "final.md"],
      w.io,
    );
    expect(final).toMatchObject({ code: 0, err: "" });
    expect(final.out).toBe(`wrote the final review of notes to ${join(w.cwd, "final.md")}\n`);
    const report = readFileSync(join(w.cwd, "final.md"), "utf8");
    expect(report).toContain("# Final review of notes");
    expect(report).toContain("tasks 2/2 done · tests 2/2 passing · 2 coding sessions");
    expect(report).toContain("Sessions with UI work not verified in the browser: 1.");
  });

  it.each([
    [
      ["--session", "1", "--last-n", "2"],
      2,
      "baton: --session and --last-n cannot be given together: pick one session or the last N",
    ],
    [["--type", "weekly"], 2, 'baton: --type: expected one of session, trends, final, got "weekly"'],
    [["--session", "two"], 2, 'baton: --session: expected a whole number ≥ 1, got "two"'],
    [
      ["--type", "trends", "--deep"],
      2,
      "baton: --type trends covers many sessions: --deep only goes with --type session",
    ],
    [["--session", "7"], 1, "baton: this project has no session 7"],
  ])("refuses %j with a message naming what is wrong", async (args, code, message) => {
    const w = await readWorld();
    await notes(w);
    const r = await baton(["review", "--project", "notes", ...args], w.io);
    expect(r.code).toBe(code);
    expect(r.err.split("\n")[0]).toBe(message);
    expect(r.out).toBe("");
  });

  it("names a project that does not exist, and requires --project", async () => {
    const w = await readWorld();
    const missing = await baton(["review", "--project", "nope"], w.io);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^baton: .*nope/);
    const none = await baton(["review"], w.io);
    expect(none.code).toBe(2);
    expect(none.err).toContain("required option '--project <project>' not specified");
  });
});
