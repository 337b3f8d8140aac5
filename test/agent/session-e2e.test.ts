import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { isBatonError } from "../../src/errors.ts";
import type { BatonEvent } from "../../src/events/catalog.ts";
import { runWorkSession } from "../../src/orchestrator/work-session.ts";
import { createProject } from "../../src/projects/create-project.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { testLog } from "../helpers/log.ts";
import { GREETER_SPEC, useScriptedModel } from "../helpers/scripted-model.ts";
import { defaultSecurity } from "../helpers/scripted-run.ts";
import { makeWorld } from "../helpers/world.ts";

const scripted = useScriptedModel();

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: dir }).toString().trim();
}

describeEachDatabase("a session on the real SDK against the scripted model", (db) => {
  it("plans from the spec, then codes a task, recording logs, events and metrics", async () => {
    const t = db();
    const w = makeWorld();
    const spec = w.write("greeter.md", GREETER_SPEC);
    const project = await createProject(t.stores, {
      name: "greeter",
      directory: join(w.root, "greeter"),
      spec,
    });
    const bus = t.stores.bus;
    const seen: BatonEvent[] = [];
    bus.subscribe((e) => seen.push(e));
    const deps = {
      stores: t.stores,
      bus,
      env: { ...process.env, ...scripted().env() },
      workerId: "test-worker",
      log: testLog(),
      home: w.home,
      browser: null,
      security: await defaultSecurity(w.home),
    };

    const init = await runWorkSession(deps, { project, type: "initializer", model: "opus" });
    expect(init.error).toBeNull();
    expect(init.status).toBe("completed");
    expect(init.credentials.kind).toBe("api_key");

    // The plan came from the spec, through the task tools.
    const epics = await t.stores.plan.listEpics(project.id);
    expect(epics.map((e) => [e.name, e.tasks_total, e.tests_total])).toEqual([
      ["Greetings", 2, 2],
      ["Help", 1, 1],
    ]);
    // The skeleton was written and committed, and the commit recorded.
    const afterInit = await t.stores.projects.get(project.id);
    expect(afterInit.status).toBe("ready");
    expect(afterInit.init_commit_sha).toBe(git(project.directory, "rev-parse", "HEAD"));
    expect(git(project.directory, "log", "--format=%s")).toBe("Plan and skeleton");
    for (const f of ["init.sh", ".env.example", "README.md", "claude-progress.md"]) {
      expect(existsSync(join(project.directory, f)), f).toBe(true);
    }

    const coding = await runWorkSession(deps, { project, type: "coding", model: "sonnet" });
    expect(coding.error).toBeNull();
    expect(coding.status).toBe("completed");
    const done = await t.stores.plan.listTasks(project.id, { status: "done" });
    expect(done.map((x) => x.description)).toEqual(["Say hello"]);
    expect((await t.stores.plan.progress(project.id)).tests_passing).toBe(1);
    expect(execFileSync("node", ["src/say-hello.js"], { cwd: project.directory }).toString()).toBe(
      "ok: Say hello\n",
    );
    expect(git(project.directory, "log", "--format=%s", "-1")).toBe("Task 1");

    // Metrics on the session, summed on the project.
    const s1 = coding.session;
    expect(s1).toMatchObject({
      number: 1,
      type: "coding",
      status: "completed",
      tasks_completed: 1,
      tests_passed: 1,
    });
    expect(s1.tool_calls).toBe(7);
    expect(s1.tool_errors).toBe(0);
    expect(s1.input_tokens).toBeGreaterThan(0);
    expect(s1.output_tokens).toBeGreaterThan(0);
    expect(s1.cost_usd).toBeGreaterThan(0);
    const total = (await t.stores.projects.get(project.id)).total_cost_usd;
    expect(total).toBeCloseTo(init.session.cost_usd + s1.cost_usd, 10);
    expect(init.session.prompt_version_id).not.toBeNull();

    // Events: stored in order, published in the same order, matching the counters.
    const events = await t.stores.sessions.listEvents(s1.id);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]?.type).toBe("session_start");
    expect(events[1]?.type).toBe("prompt");
    expect(events.at(-1)?.type).toBe("session_end");
    expect(events.filter((e) => e.type === "tool_use")).toHaveLength(s1.tool_calls);
    expect(events.filter((e) => e.type === "tool_result")).toHaveLength(s1.tool_calls);
    expect(events.some((e) => e.type === "result")).toBe(true);
    expect(seen.filter((e) => e.session_id === s1.id).map((e) => e.seq)).toEqual(events.map((e) => e.seq));
    expect(events.at(-1)?.payload).toMatchObject({
      status: "completed",
      metrics: { tasks_completed: 1, tests_passed: 1 },
    });
    // Cost per finished task and per passing test are recorded with the session's end.
    const metrics =
      (events.at(-1)?.payload as { metrics: Record<string, number> } | undefined)?.metrics ?? {};
    expect(metrics.cost_per_task_usd).toBeCloseTo(s1.cost_usd, 10);
    expect(metrics.cost_per_passing_test_usd).toBeCloseTo(s1.cost_usd, 10);

    // Logs: JSONL has every event; the text log reads as a story with a summary.
    // They are in Baton's data directory, out of the project the session writes.
    expect(s1.log_path).toMatch(/^session_001_\d{8}T\d{6}Z$/);
    expect(coding.logs.jsonl).toBe(join(w.home, "logs", String(project.id), `${s1.log_path}.jsonl`));
    expect(existsSync(join(project.directory, "logs"))).toBe(false);
    const jsonl = readFileSync(coding.logs.jsonl, "utf8").trim().split("\n");
    expect(jsonl.map((line) => (JSON.parse(line) as { seq: number }).seq)).toEqual(events.map((e) => e.seq));
    const txt = readFileSync(coding.logs.txt, "utf8");
    expect(txt).toContain("Baton session 1 (coding) of greeter");
    expect(txt).toMatch(/TOOL {4}mcp__tasks__start_task \{"task_id":1\}/);
    expect(txt).toContain("RESULT  Bash ok");
    expect(txt).toMatch(/Summary\n {2}Status +completed\n/);
    expect(txt).toMatch(/Tasks completed +1\n/);
    expect(existsSync(join(w.home, "logs", String(project.id), `${init.session.log_path ?? "x"}.txt`))).toBe(
      true,
    );

    // The scripted model saw Baton's rendered prompt and the task tools offered directly.
    const first = scripted().requests.find(
      (r) => r.kind === "main" && r.body.includes("Session 1 — build greeter"),
    );
    expect(first?.toolNames).toEqual(expect.arrayContaining(["mcp__tasks__get_next_task", "Bash", "Write"]));
    expect(first?.toolNames).not.toContain("WebFetch");
  });

  it("refuses to start without credentials, before creating anything", async () => {
    const t = db();
    const w = makeWorld();
    const project = await createProject(t.stores, {
      name: "nocreds",
      directory: join(w.root, "p"),
      spec: w.write("s.md", "# S"),
    });
    const {
      ANTHROPIC_API_KEY: _a,
      CLAUDE_CODE_OAUTH_TOKEN: _b,
      ANTHROPIC_AUTH_TOKEN: _c,
      ...env
    } = process.env;
    const error = await runWorkSession(
      {
        stores: t.stores,
        bus: t.stores.bus,
        env: { ...env, ANTHROPIC_BASE_URL: scripted().url },
        workerId: "w",
        log: testLog(),
        home: w.home,
        browser: null,
        security: await defaultSecurity(w.home),
      },
      { project, type: "initializer", model: "opus" },
    ).catch((e: unknown) => e);
    expect(isBatonError(error, "BATON_CREDENTIALS_MISSING")).toBe(true);
    expect(await t.stores.sessions.list(project.id)).toEqual([]);
  });
});
