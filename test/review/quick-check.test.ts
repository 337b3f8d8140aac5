import { expect, it } from "vitest";
import { computeQuickCheck, runQuickCheck } from "../../src/review/quick-check.ts";
import { describeEachDatabase, type TestDatabase } from "../helpers/databases.ts";
import { makeProject } from "../stores/fixtures.ts";
import { playSession, type Step } from "./played-session.ts";

async function planOne(t: TestDatabase, description: string, steps: string[]) {
  const project = await makeProject(t);
  const epic = await t.stores.plan.createEpic(project.id, { name: "Notes" });
  const task = await t.stores.plan.createTask(project.id, epic.id, {
    description,
    action: `Implement: ${description}`,
    tests: [{ description: `${description} works`, steps }],
  });
  const testId = task.tests[0]?.id ?? 0;
  return { project, task, testId };
}

function protocol(taskId: number, testId: number, middle: Step[]): Step[] {
  return [
    { task: "get_next_task" },
    { task: "start_task", args: { task_id: taskId } },
    { tool: "Write", input: { file_path: "/p/src/notes.js", content: "…" } },
    ...middle,
    {
      task: "update_test_result",
      args: { test_id: testId, passes: true, evidence: "the list shows the three notes in the screenshot" },
    },
    { task: "update_task_status", args: { task_id: taskId, done: true } },
    {
      tool: "Bash",
      input: { command: "git add -A && git commit -qm 'Notes list'" },
      result: "[main 1a2b3c] Notes list",
    },
  ];
}

const browserWork: Step[] = [
  {
    tool: "mcp__playwright__browser_navigate",
    input: { url: "http://127.0.0.1:3000/" },
    result: "Page: Notes",
  },
  { tool: "mcp__playwright__browser_click", input: { element: "Add" }, result: "clicked" },
  { tool: "mcp__playwright__browser_take_screenshot", input: {}, result: "[image]" },
];

describeEachDatabase("the quick check", (db) => {
  it("rates a UI session that verified its work in the browser 10, with its browser work counted", async () => {
    const t = db();
    const { project, task, testId } = await planOne(t, "Show the notes list page", [
      "open the page",
      "see 3 notes",
    ]);
    const session = await playSession(t.stores, project.id, protocol(task.id, testId, browserWork));
    const result = await computeQuickCheck(t.stores, session);
    expect(result.issues).toEqual([]);
    expect(result.rating).toBe(10);
    expect(result.metrics).toMatchObject({
      ui_task: true,
      browser_calls: 3,
      browser_navigations: 1,
      browser_screenshots: 1,
      tests_marked_passing: 1,
      tests_passing_with_evidence: 1,
      tests_passing_without_evidence: 0,
      tasks_completed: 1,
      commits: 1,
      oriented: true,
      tasks_done_without_test_results: 0,
      tool_calls: 9,
      tool_errors: 0,
      cost_per_passing_test_usd: 0.5,
    });
  });

  it("takes 6 points from a UI session that never opened the browser, and says why", async () => {
    const t = db();
    const { project, task, testId } = await planOne(t, "Show the notes list page", [
      "open the page",
      "see 3 notes",
    ]);
    const session = await playSession(t.stores, project.id, protocol(task.id, testId, []));
    const result = await computeQuickCheck(t.stores, session);
    expect(result.issues).toEqual([
      { rule: "no_browser_verification", points: 6, reason: "no browser verification on a UI task: −6" },
    ]);
    expect(result.rating).toBe(4);
  });

  it("says when the session had no browser to verify with", async () => {
    const t = db();
    const { project, task, testId } = await planOne(t, "Add a button to delete a note", ["click Delete"]);
    const session = await playSession(t.stores, project.id, protocol(task.id, testId, []), {
      browser: false,
    });
    const { issues } = await computeQuickCheck(t.stores, session);
    expect(issues.map((i) => i.reason)).toEqual([
      "no browser verification on a UI task (the session had no browser): −6",
    ]);
  });

  it("does not ask a session without UI work to use the browser", async () => {
    const t = db();
    const { project, task, testId } = await planOne(t, "Parse the config file", ["run node parse.js"]);
    const session = await playSession(t.stores, project.id, protocol(task.id, testId, []));
    const result = await computeQuickCheck(t.stores, session);
    expect(result.metrics.ui_task).toBe(false);
    expect(result.rating).toBe(10);
  });

  it("adds up every broken rule of a careless session and never rates below 1", async () => {
    const t = db();
    const { project, task, testId } = await planOne(t, "Parse the config file", ["run node parse.js"]);
    const session = await playSession(t.stores, project.id, [
      { task: "start_task", args: { task_id: task.id } },
      { tool: "Bash", input: { command: "node parse.js" }, result: "SyntaxError", isError: true },
      { tool: "Bash", input: { command: "node parse.js" }, result: "SyntaxError", isError: true },
      { denied: "rm -rf /" },
      { denied: "curl http://example.com" },
      { denied: "sudo make" },
      { task: "update_test_result", args: { test_id: testId, passes: true, evidence: "ok" } },
      { task: "update_task_status", args: { task_id: task.id, done: true } },
    ]);
    const result = await computeQuickCheck(t.stores, session);
    expect(result.issues).toEqual([
      { rule: "tool_error_rate", points: 2, reason: "2 tool calls of 5 failed (40%, over 25%): −2" },
      { rule: "tests_without_evidence", points: 2, reason: "1 test marked passing without evidence: −2" },
      {
        rule: "not_oriented",
        points: 1,
        reason: "did not read the next task or the progress before working: −1",
      },
      { rule: "no_commit", points: 1, reason: "1 task completed but nothing committed: −1" },
      { rule: "denied_commands", points: 1, reason: "3 commands refused: −1" },
    ]);
    expect(result.rating).toBe(3);

    const failed = await playSession(
      t.stores,
      project.id,
      [{ tool: "Bash", result: "boom", isError: true }],
      {
        status: "error",
      },
    );
    const worst = await computeQuickCheck(t.stores, failed, { tool_error_rate: { points: 9 } });
    expect(worst.issues.map((i) => i.rule)).toEqual([
      "tool_error_rate",
      "not_oriented",
      "no_task_completed",
      "session_failed",
    ]);
    expect(worst.rating).toBe(1);
  });

  it("counts a task marked done with no test result recorded in the session", async () => {
    const t = db();
    const { project, task, testId } = await planOne(t, "Parse the config file", ["run node parse.js"]);
    // An earlier session recorded the test; this one marks the task done without checking again.
    await t.stores.plan.recordTestResult(project.id, testId, { passes: true, evidence: "seen earlier" });
    const session = await playSession(t.stores, project.id, [
      { task: "get_next_task" },
      { task: "update_task_status", args: { task_id: task.id, done: true } },
      { tool: "Bash", input: { command: "git commit -am done" } },
    ]);
    const { issues } = await computeQuickCheck(t.stores, session);
    expect(issues).toEqual([
      {
        rule: "done_without_test_results",
        points: 2,
        reason: "1 task marked done without recording test results first: −2",
      },
    ]);
  });

  it("uses the points and thresholds of review.rules", async () => {
    const t = db();
    const { project, task, testId } = await planOne(t, "Show the notes list page", ["open the page"]);
    const session = await playSession(t.stores, project.id, protocol(task.id, testId, []), { cost_usd: 3 });
    const result = await computeQuickCheck(t.stores, session, {
      no_browser_verification: { points: 2.5 },
      cost_per_passing_test: { threshold: 1 },
    });
    expect(result.issues).toEqual([
      { rule: "no_browser_verification", points: 2.5, reason: "no browser verification on a UI task: −2.5" },
      { rule: "cost_per_passing_test", points: 1, reason: "$3.00 per passing test (over $1.00): −1" },
    ]);
    expect(result.rating).toBe(7); // 10 − 3.5 = 6.5, rounded
    const off = await computeQuickCheck(t.stores, session, { no_browser_verification: { points: 0 } });
    expect(off.issues).toEqual([]);
  });

  it("stores the check as kind quick and announces it", async () => {
    const t = db();
    const { project, task, testId } = await planOne(t, "Show the notes list page", ["open the page"]);
    const session = await playSession(t.stores, project.id, protocol(task.id, testId, []));
    const bus = t.stores.bus;
    const seen: unknown[] = [];
    bus.subscribe((e) => seen.push([e.type, e.session_id, e.payload]));
    const check = await runQuickCheck({ stores: t.stores, bus }, session);
    expect(check).toMatchObject({ kind: "quick", rating: 4, session_id: session.id, report_markdown: null });
    expect(await t.stores.quality.forSession(session.id)).toEqual([check]);
    expect(seen).toEqual([
      [
        "review_complete",
        null,
        {
          kind: "quick",
          session_id: session.id,
          session_number: session.number,
          rating: 4,
          quality_check_id: check.id,
        },
      ],
    ]);
  });

  it("refuses the initializer: only coding sessions are reviewed", async () => {
    const t = db();
    const project = await makeProject(t);
    const init = await t.stores.sessions.create(project.id, { type: "initializer", model: "opus" });
    await expect(computeQuickCheck(t.stores, init)).rejects.toThrow(
      "session 0 is the initializer; only finished coding sessions are reviewed",
    );
  });
});
