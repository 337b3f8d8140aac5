import { afterEach, expect, it } from "vitest";
import { batonScript, type ScriptedModel, startScriptedModel } from "../../src/scripted-model/index.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/databases.ts";
import { testServer } from "../helpers/server.ts";
import { connect, tokenProtocols } from "../helpers/ws-client.ts";

const SPEC = "# Notes\n\n## Notes\n- Add note\n- List notes\n";
let model: ScriptedModel | undefined;
let t: TestDatabase | undefined;
afterEach(async () => {
  await model?.close();
  await t?.cleanup();
});

it("creates a project by upload, initializes and codes it, follows it over the WebSocket, and downloads its logs", async () => {
  model = await startScriptedModel(batonScript);
  t = await createTestDatabase("sqlite");
  const server = await testServer(t, { model, password: "open sesame" });
  const base = await server.app.listen({ port: 0, host: "127.0.0.1" });

  // Log in as the UI does.
  const login = await fetch(`${base}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ password: "open sesame" }),
  });
  expect(login.status).toBe(200);
  const { access_token: token } = (await login.json()) as { access_token: string };
  const auth = { authorization: `Bearer ${token}` };

  // Create the project from an uploaded spec.
  const form = new FormData();
  form.append("name", "notes");
  form.append("spec", new Blob([SPEC], { type: "text/markdown" }), "notes.md");
  const created = await fetch(`${base}/api/projects`, { method: "POST", headers: auth, body: form });
  expect(created.status).toBe(201);
  const project = (await created.json()) as { id: number; name: string; status: string };
  expect(project).toMatchObject({ name: "notes", status: "created" });

  // Follow the project over the WebSocket (the token rides as a subprotocol: browsers cannot set headers).
  const client = connect(
    `${base.replace("http", "ws")}/api/ws?project=${project.id}`,
    {},
    tokenProtocols(token),
  );
  const envelopes = client.messages;
  await client.until((e) => e.type === "snapshot");

  // Initialize: answered at once with the real session.
  const init = await fetch(`${base}/api/projects/${project.id}/initialize`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: "{}",
  });
  expect(init.status).toBe(202);
  const initializer = (await init.json()) as { session_id: number; session_number: number; type: string };
  expect(initializer).toMatchObject({ session_number: 0, type: "initializer" });
  await client.until((e) => e.type === "session_ended" && e.session_id === initializer.session_id, 60_000);

  const plan = await fetch(`${base}/api/projects/${project.id}/tasks`, { headers: auth });
  const { tasks } = (await plan.json()) as { tasks: unknown[] };
  expect(tasks.length).toBeGreaterThan(0);

  // Code until complete, watching it live.
  const coding = await fetch(`${base}/api/projects/${project.id}/coding/start`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: "{}",
  });
  expect(coding.status).toBe(202);
  await client.until((e) => e.type === "project_complete", 60_000);
  const types = new Set(envelopes.map((e) => e.type));
  for (const type of [
    "session_started",
    "assistant_text",
    "tool_use",
    "tool_result",
    "task_updated",
    "test_updated",
    "progress",
    "session_ended",
  ]) {
    expect(types, type).toContain(type);
  }
  // Envelopes come in order, none twice.
  const seqs = envelopes
    .filter(
      (e) =>
        e.type !== "snapshot" &&
        e.type !== "progress" &&
        e.type !== "task_updated" &&
        e.type !== "test_updated",
    )
    .map((e) => e.seq);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect(new Set(seqs).size).toBe(seqs.length);

  const progress = (await (
    await fetch(`${base}/api/projects/${project.id}/progress`, { headers: auth })
  ).json()) as {
    finished: boolean;
  };
  expect(progress.finished).toBe(true);

  // Download the first coding session's log.
  const sessions = (await (
    await fetch(`${base}/api/projects/${project.id}/sessions`, { headers: auth })
  ).json()) as {
    sessions: { id: number; number: number; status: string }[];
  };
  expect(sessions.sessions.every((s) => s.status === "completed")).toBe(true);
  const first = sessions.sessions.find((s) => s.number === 1);
  const download = await fetch(
    `${base}/api/projects/${project.id}/sessions/${first?.id}/logs/download?format=txt`,
    {
      headers: auth,
    },
  );
  expect(download.status).toBe(200);
  expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="session_001_.*\.txt"$/);
  expect(await download.text()).toMatch(/Baton session 1 \(coding\) of notes/);
}, 120_000);
