import { join } from "node:path";
import { expect, it } from "vitest";
import { runWorkSession } from "../../src/orchestrator/work-session.ts";
import { createProject } from "../../src/projects/create-project.ts";
import {
  errorReply,
  lastToolResult,
  type Script,
  sequence,
  textReply,
  toolUseReply,
} from "../../src/scripted-model/index.ts";
import { testLog } from "../helpers/log.ts";
import { defaultSecurity, useScriptedRun } from "../helpers/scripted-run.ts";
import { makeWorld } from "../helpers/world.ts";

const start = useScriptedRun();

async function setUp(script: Script) {
  const { model, t } = await start(script);
  const w = makeWorld();
  const project = await createProject(t.stores, {
    name: "p",
    directory: join(w.root, "p"),
    spec: w.write("s.md", "# S\n- a"),
  });
  const epic = await t.stores.plan.createEpic(project.id, { name: "E" });
  await t.stores.plan.expandEpic(project.id, epic.id, [
    { description: "a", action: "do a", tests: [{ description: "a works", steps: ["check"] }] },
  ]);
  const deps = {
    stores: t.stores,
    bus: t.stores.bus,
    env: { ...process.env, ...model.env() },
    workerId: "w",
    log: testLog(),
    home: w.home,
    browser: null,
    security: await defaultSecurity(w.home),
  };
  return { project, deps, stores: t.stores };
}

it("ends at once with a clear error when the model service rejects the credentials", async () => {
  const { project, deps, stores } = await setUp(() => errorReply(401, { message: "invalid x-api-key" }));
  const started = Date.now();
  const outcome = await runWorkSession(deps, { project, type: "coding", model: "sonnet" });
  expect(Date.now() - started).toBeLessThan(20_000);
  expect(outcome.status).toBe("error");
  expect(outcome.error).toMatch(
    /^the model service at http:\/\/127\.0\.0\.1:\d+ rejected the API key \(ANTHROPIC_API_KEY\); check the value/,
  );
  const events = await stores.sessions.listEvents(outcome.session.id);
  expect(events.at(-1)).toMatchObject({ type: "session_end", payload: { status: "error" } });
  expect((await stores.sessions.get(outcome.session.id)).error).toBe(outcome.error);
});

it("says the endpoint cannot be reached instead of retrying for minutes", async () => {
  const { project, deps } = await setUp(() => textReply("never asked"));
  const started = Date.now();
  const outcome = await runWorkSession(
    { ...deps, env: { ...deps.env, ANTHROPIC_BASE_URL: "http://127.0.0.1:1" } },
    { project, type: "coding", model: "sonnet" },
  );
  expect(Date.now() - started).toBeLessThan(30_000);
  expect(outcome.status).toBe("error");
  expect(outcome.error).toBe(
    "cannot reach the model service at http://127.0.0.1:1; check ANTHROPIC_BASE_URL, the network and any proxy",
  );
});

it("returns a task tool's refusal to the model as a tool error it can act on, and counts it", async () => {
  const { project, deps, stores } = await setUp(
    sequence([
      toolUseReply({ name: "mcp__tasks__update_task_status", input: { task_id: "1", done: true } }),
      (request) => textReply(`The tool said: ${lastToolResult(request)?.text}`),
    ]),
  );
  const outcome = await runWorkSession(deps, { project, type: "coding", model: "sonnet" });
  expect(outcome.status).toBe("completed");
  expect(outcome.session).toMatchObject({ tool_calls: 1, tool_errors: 1, tasks_completed: 0 });
  const result = (await stores.sessions.listEvents(outcome.session.id)).find((e) => e.type === "tool_result");
  expect(result?.payload).toMatchObject({ name: "mcp__tasks__update_task_status", is_error: true });
  expect((result?.payload as { content: string } | undefined)?.content).toContain(
    "task 1 cannot be marked done: 1 of its 1 tests are not passing (#1 unknown: a works)",
  );
  expect((await stores.plan.getTask(project.id, 1)).status).toBe("pending");
});
