import { expect, it } from "vitest";
import { describeEachDatabase, type TestDatabase } from "../helpers/databases.ts";
import { testServer } from "../helpers/server.ts";
import { finishTask, makeProject, taskInput } from "../stores/fixtures.ts";

/**
 * A plan: epic Core (priority 1) with "Sign up" (done, 2 passing tests) and "Log in" (1 failing
 * test), epic Extras (priority 2) with "Dark mode" (no tests) and "Export" (blocked, 1 test).
 */
async function planned(t: TestDatabase) {
  const project = await makeProject(t, "planned");
  const { plan } = t.stores;
  const core = await plan.createEpic(project.id, { name: "Core", description: "The basics", priority: 1 });
  const extras = await plan.createEpic(project.id, { name: "Extras", priority: 2 });
  const [signUp, logIn] = await plan.expandEpic(project.id, core.id, [
    taskInput("Sign up", 2),
    taskInput("Log in", 1),
  ]);
  const [darkMode, exportTask] = await plan.expandEpic(project.id, extras.id, [
    { description: "Dark mode", action: "Add a theme switch" },
    taskInput("Export", 1),
  ]);
  if (!signUp || !logIn || !darkMode || !exportTask) throw new Error("tasks missing");
  await finishTask(t, project.id, signUp.id);
  const [failing] = logIn.tests;
  if (!failing) throw new Error("test missing");
  await plan.recordTestResult(project.id, failing.id, { passes: false, evidence: "the button does nothing" });
  await plan.setTaskStatus(project.id, exportTask.id, "blocked", { notes: "needs a decision" });
  return { project, core, extras, signUp, logIn, darkMode, exportTask };
}

describeEachDatabase("API plan", (db) => {
  it("shows progress as counts and percentages", async () => {
    const s = await testServer(db());
    const { project } = await planned(db());
    const res = await s.app.inject({ url: `/api/projects/${project.id}/progress` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      epics: { done: 0, total: 2 },
      tasks: { done: 1, in_progress: 0, blocked: 1, total: 4, percent: 25 },
      tests: { passing: 2, failing: 1, unknown: 1, total: 4, percent: 50 },
      finished: false,
    });
    const empty = await makeProject(db(), "empty");
    const none = await s.app.inject({ url: `/api/projects/${empty.id}/progress` });
    expect(none.json()).toMatchObject({ tasks: { total: 0, percent: 0 }, finished: false });
  });

  it("lists epics in plan order, and shows one epic with its tasks", async () => {
    const s = await testServer(db());
    const { project, core, extras, signUp, logIn } = await planned(db());
    const list = await s.app.inject({ url: `/api/projects/${project.id}/epics` });
    expect(list.statusCode).toBe(200);
    expect(list.json().epics).toEqual([
      {
        id: core.id,
        name: "Core",
        status: "in_progress",
        priority: 1,
        tasks: { done: 1, total: 2, percent: 50 },
        tests: { passing: 2, total: 3, percent: 66.7 },
      },
      {
        id: extras.id,
        name: "Extras",
        status: "pending",
        priority: 2,
        tasks: { done: 0, total: 2, percent: 0 },
        tests: { passing: 0, total: 1, percent: 0 },
      },
    ]);
    const one = await s.app.inject({ url: `/api/projects/${project.id}/epics/${core.id}` });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ id: core.id, name: "Core", description: "The basics" });
    expect(one.json().tasks).toEqual([
      {
        id: signUp.id,
        epic_id: core.id,
        description: "Sign up",
        status: "done",
        priority: 100,
        tests: { passing: 2, failing: 0, total: 2 },
      },
      {
        id: logIn.id,
        epic_id: core.id,
        description: "Log in",
        status: "pending",
        priority: 100,
        tests: { passing: 0, failing: 1, total: 1 },
      },
    ]);
  });

  it("lists tasks by status (or open) and epic, in pages", async () => {
    const s = await testServer(db());
    const { project, extras, signUp, logIn, darkMode, exportTask } = await planned(db());
    const ids = async (query: string) => {
      const res = await s.app.inject({ url: `/api/projects/${project.id}/tasks${query}` });
      expect(res.statusCode, query).toBe(200);
      return res.json().tasks.map((t: { id: number }) => t.id);
    };
    expect(await ids("")).toEqual([signUp.id, logIn.id, darkMode.id, exportTask.id]);
    expect(await ids("?status=done")).toEqual([signUp.id]);
    expect(await ids("?status=blocked")).toEqual([exportTask.id]);
    expect(await ids("?status=open")).toEqual([logIn.id, darkMode.id, exportTask.id]);
    expect(await ids(`?epic_id=${extras.id}`)).toEqual([darkMode.id, exportTask.id]);
    // Keyset pages: each answer's `next` is the `after` of the page after it; null on the last.
    const page = async (query: string) =>
      (await s.app.inject({ url: `/api/projects/${project.id}/tasks${query}` })).json() as {
        tasks: { id: number }[];
        next: string | null;
      };
    const first = await page("?limit=3");
    expect(first.tasks.map((t) => t.id)).toEqual([signUp.id, logIn.id, darkMode.id]);
    const second = await page(`?limit=3&after=${first.next}`);
    expect(second).toEqual({ tasks: [expect.objectContaining({ id: exportTask.id })], next: null });
    // A filtered list pages the same way.
    const open = await page(`?status=open&limit=1`);
    expect(open.tasks.map((t) => t.id)).toEqual([logIn.id]);
    expect((await page(`?status=open&limit=5&after=${open.next}`)).tasks.map((t) => t.id)).toEqual([
      darkMode.id,
      exportTask.id,
    ]);
    const all = await s.app.inject({ url: `/api/projects/${project.id}/tasks` });
    expect(all.json().next).toBeNull();
    expect(all.json().tasks[2]).toEqual({
      id: darkMode.id,
      epic_id: extras.id,
      description: "Dark mode",
      status: "pending",
      priority: 100,
      tests: { passing: 0, failing: 0, total: 0 },
    });
  });

  it("refuses a task status outside the enum, and bad paging, with 400", async () => {
    const s = await testServer(db());
    const { project } = await planned(db());
    for (const query of [
      "?status=finished",
      "?status=",
      "?limit=0",
      "?limit=abc",
      "?epic_id=x",
      "?limit=1001",
      "?after=not-a-cursor",
    ]) {
      const res = await s.app.inject({ url: `/api/projects/${project.id}/tasks${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().code).toBe("BATON_VALIDATION");
    }
    const res = await s.app.inject({ url: `/api/projects/${project.id}/tasks?status=finished` });
    expect(res.json().message).toMatch(/status/);
  });

  it("shows one task with its action, notes and tests", async () => {
    const s = await testServer(db());
    const { project, logIn, exportTask } = await planned(db());
    const res = await s.app.inject({ url: `/api/projects/${project.id}/tasks/${logIn.id}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: logIn.id,
      project_id: project.id,
      description: "Log in",
      action: "Implement: Log in",
      status: "pending",
      tests: [
        {
          category: "functional",
          description: "Log in works (1)",
          steps: ["open the page", "check the result"],
          status: "failing",
          evidence: "the button does nothing",
        },
      ],
    });
    const blocked = await s.app.inject({ url: `/api/projects/${project.id}/tasks/${exportTask.id}` });
    expect(blocked.json()).toMatchObject({ status: "blocked", notes: "needs a decision" });
  });

  it("answers an unknown epic or task with 404, also one of another project", async () => {
    const s = await testServer(db());
    const { project, core, logIn } = await planned(db());
    const other = await makeProject(db(), "other");
    const cases: [string, string][] = [
      [`/api/projects/${project.id}/epics/9999`, "BATON_EPIC_NOT_FOUND"],
      [`/api/projects/${other.id}/epics/${core.id}`, "BATON_EPIC_NOT_FOUND"],
      [`/api/projects/${project.id}/tasks/9999`, "BATON_TASK_NOT_FOUND"],
      [`/api/projects/${other.id}/tasks/${logIn.id}`, "BATON_TASK_NOT_FOUND"],
      ["/api/projects/9999/progress", "BATON_PROJECT_NOT_FOUND"],
      ["/api/projects/9999/epics", "BATON_PROJECT_NOT_FOUND"],
      ["/api/projects/9999/tasks", "BATON_PROJECT_NOT_FOUND"],
      ["/api/projects/9999/coverage", "BATON_PROJECT_NOT_FOUND"],
    ];
    for (const [url, code] of cases) {
      const res = await s.app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().code, url).toBe(code);
    }
    const epic = await s.app.inject({ url: `/api/projects/${project.id}/epics/9999` });
    expect(epic.json().message).toBe(
      `project planned has no epic 9999; GET /api/projects/${project.id}/epics lists them`,
    );
    for (const url of [
      `/api/projects/${project.id}/epics/abc`,
      `/api/projects/${project.id}/tasks/0`,
      "/api/projects/x/coverage",
    ]) {
      const res = await s.app.inject({ url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().code).toBe("BATON_VALIDATION");
    }
  });

  it("shows coverage: the band, its gaps and the counts", async () => {
    const s = await testServer(db());
    const { project, darkMode, extras } = await planned(db());
    const res = await s.app.inject({ url: `/api/projects/${project.id}/coverage` });
    expect(res.statusCode).toBe(200);
    const coverage = res.json();
    expect(coverage).toMatchObject({
      band: "poor",
      gaps: ["1 of 4 tasks have no test (25%)"],
      tasks: {
        total: 4,
        with_tests: 3,
        without_tests: [{ id: darkMode.id, epic_id: extras.id, description: "Dark mode" }],
      },
      tests: {
        total: 4,
        per_task: { min: 0, avg: 1, max: 2 },
        by_category: { functional: 4, style: 0, accessibility: 0, performance: 0, security: 0 },
      },
    });
    expect(coverage.epics).toHaveLength(2);
  });

  it("documents the plan routes in the OpenAPI document", async () => {
    const s = await testServer(db());
    const doc = (await s.app.inject({ url: "/api/openapi.json" })).json();
    for (const path of [
      "/api/projects/{id}/progress",
      "/api/projects/{id}/epics",
      "/api/projects/{id}/epics/{epicId}",
      "/api/projects/{id}/tasks",
      "/api/projects/{id}/tasks/{taskId}",
      "/api/projects/{id}/coverage",
    ]) {
      expect(doc.paths[path]?.get, path).toMatchObject({ tags: ["plan"], summary: expect.any(String) });
    }
    const status = doc.paths["/api/projects/{id}/tasks"].get.parameters.find(
      (p: { name: string }) => p.name === "status",
    );
    expect(JSON.stringify(status.schema)).toContain("blocked");
  });
});
