import { rmSync } from "node:fs";
import { expect, it } from "vitest";
import { describeEachDatabase } from "../helpers/databases.ts";
import { testServer } from "../helpers/server.ts";
import { logFile, seedProject, seedSession } from "./session-fixture.ts";

describeEachDatabase("session routes", (db) => {
  async function seeded() {
    const t = db();
    const server = await testServer(t);
    const project = await seedProject(t.stores, server.world.root, "shop");
    const s0 = await seedSession(t.stores, server.world.home, project, {
      type: "initializer",
      usage: { cost_usd: 1.25, input_tokens: 12_000, output_tokens: 3_400, tool_calls: 9 },
      end: { status: "completed" },
    });
    const s1 = await seedSession(t.stores, server.world.home, project, {
      usage: {
        cost_usd: 0.5,
        tool_calls: 7,
        tool_errors: 2,
        denied_commands: 1,
        tasks_completed: 1,
        tests_passed: 2,
        cache_read_tokens: 800,
      },
      end: { status: "error", error: "cannot reach the model service" },
    });
    const s2 = await seedSession(t.stores, server.world.home, project, {
      events: [["assistant_text", { text: "Working." }]],
    });
    return { t, server, project, s0, s1, s2 };
  }

  it("lists a project's sessions newest first, with their status, times and figures", async () => {
    const { server, project, s0, s1, s2 } = await seeded();
    const r = await server.app.inject({ method: "GET", url: `/api/projects/${project.id}/sessions` });
    expect(r.statusCode).toBe(200);
    const { sessions } = r.json();
    expect(sessions.map((s: { id: number }) => s.id)).toEqual([s2.id, s1.id, s0.id]);
    expect(sessions[1]).toEqual({
      id: s1.id,
      project_id: project.id,
      number: 1,
      type: "coding",
      model: "sonnet",
      status: "error",
      created_at: s1.created_at,
      started_at: s1.started_at,
      ended_at: s1.ended_at,
      duration_ms: Date.parse(s1.ended_at ?? "") - Date.parse(s1.started_at ?? ""),
      error: "cannot reach the model service",
      interruption_reason: null,
      metrics: {
        cost_usd: 0.5,
        input_tokens: 0,
        output_tokens: 0,
        cache_read_tokens: 800,
        cache_write_tokens: 0,
        tool_calls: 7,
        tool_errors: 2,
        tasks_completed: 1,
        tests_passed: 2,
        browser_verifications: 0,
        denied_commands: 1,
        events: 1,
      },
    });
    expect(sessions[0]).toMatchObject({ status: "running", ended_at: null, duration_ms: null });
    expect(sessions[2]).toMatchObject({
      type: "initializer",
      metrics: { cost_usd: 1.25, input_tokens: 12_000, output_tokens: 3_400 },
    });

    const coding = await server.app.inject({
      method: "GET",
      url: `/api/projects/${project.id}/sessions?type=coding&limit=1&offset=1`,
    });
    expect(coding.json().sessions.map((s: { id: number }) => s.id)).toEqual([s1.id]);
  });

  it("shows one session with its error, worker and which log files exist", async () => {
    const { server, project, s1, s2 } = await seeded();
    const r = await server.app.inject({
      method: "GET",
      url: `/api/projects/${project.id}/sessions/${s1.id}`,
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      id: s1.id,
      status: "error",
      error: "cannot reach the model service",
      worker_id: "test-worker",
      prompt_version_id: null,
      log_files: { txt: true, jsonl: true },
      metrics: { tool_errors: 2 },
    });
    rmSync(logFile(server.world.home, project, s2, "jsonl"));
    const running = await server.app.inject({
      method: "GET",
      url: `/api/projects/${project.id}/sessions/${s2.id}`,
    });
    expect(running.json()).toMatchObject({ status: "running", log_files: { txt: true, jsonl: false } });
  });

  it("answers 404 for an unknown project or a session of another project, 400 for a malformed id", async () => {
    const { t, server, project, s1 } = await seeded();
    const other = await seedProject(t.stores, server.world.root, "other");
    const cases: [string, number, string][] = [
      [`/api/projects/999/sessions`, 404, "BATON_PROJECT_NOT_FOUND"],
      [`/api/projects/999/sessions/${s1.id}`, 404, "BATON_PROJECT_NOT_FOUND"],
      [`/api/projects/${other.id}/sessions/${s1.id}`, 404, "BATON_SESSION_NOT_FOUND"],
      [`/api/projects/${project.id}/sessions/99999`, 404, "BATON_SESSION_NOT_FOUND"],
      [`/api/projects/abc/sessions`, 400, "BATON_VALIDATION"],
      [`/api/projects/0/sessions`, 400, "BATON_VALIDATION"],
      [`/api/projects/99999999999/sessions`, 400, "BATON_VALIDATION"],
      [`/api/projects/${project.id}/sessions/1.5`, 400, "BATON_VALIDATION"],
      [`/api/projects/${project.id}/sessions/99999999999`, 400, "BATON_VALIDATION"],
      [`/api/projects/${project.id}/sessions?type=nap`, 400, "BATON_VALIDATION"],
      [`/api/projects/${project.id}/sessions?limit=0`, 400, "BATON_VALIDATION"],
    ];
    for (const [url, status, code] of cases) {
      const r = await server.app.inject({ method: "GET", url });
      expect([url, r.statusCode, r.json().code]).toEqual([url, status, code]);
      expect(typeof r.json().message).toBe("string");
    }
  });
});
