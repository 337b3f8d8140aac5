import { join } from "node:path";
import { afterEach, expect, it, vi } from "vitest";
import WebSocket from "ws";
import type { BatonEvent } from "../../src/events/catalog.ts";
import { recordProjectEvent } from "../../src/events/project-events.ts";
import { createProject } from "../../src/projects/create-project.ts";
import type { Project } from "../../src/projects/model.ts";
import { batonScript, type ScriptedModel, startScriptedModel } from "../../src/scripted-model/index.ts";
import type { Envelope } from "../../src/server/ws/envelope.ts";
import { STREAMED_EVENT_TYPES } from "../../src/server/ws/map-event.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { type TestServer, testServer } from "../helpers/server.ts";
import { connect, listenWs, tokenProtocols, track } from "../helpers/ws-client.ts";

/** One epic of two tasks: an initializer and two coding sessions. */
const SPEC = "# Notes\n\n## Notes\n- Add note\n- List notes\n";
/** A scripted run takes a few seconds, more on a busy machine. */
const RUN_TIMEOUT_MS = 90_000;

const models: ScriptedModel[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const m of models.splice(0)) await m.close();
});

async function scriptedModel(): Promise<ScriptedModel> {
  const model = await startScriptedModel(batonScript);
  models.push(model);
  return model;
}

const listen = listenWs;

async function newProject(server: TestServer, name = "notes"): Promise<Project> {
  return createProject(server.deps.stores, {
    name,
    directory: join(server.world.root, "generations", name),
    spec: server.world.write(`${name}.md`, SPEC),
  });
}

/** The HTTP status a refused upgrade answered with. */
function refusedWith(
  url: string,
  headers: Record<string, string> = {},
  protocols: string[] = [],
): Promise<number> {
  return refusal(url, headers, protocols).then((r) => r.status);
}

/** The status and `{ code, message }` body a refused upgrade answered with. */
function refusal(
  url: string,
  headers: Record<string, string> = {},
  protocols: string[] = [],
): Promise<{ status: number; body: { code?: string; message?: string } }> {
  return new Promise((resolve, reject) => {
    const ws = track(new WebSocket(url, protocols, { headers }));
    ws.on("unexpected-response", (_req, res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => {
        text += String(chunk);
      });
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} });
        ws.terminate();
      });
    });
    ws.on("open", () => reject(new Error("the upgrade was accepted")));
    ws.on("error", () => {});
  });
}

/** The seqs of the events the project stream sends for these events, in order. */
function streamedSeqs(events: BatonEvent[]): number[] {
  return events.filter((e) => STREAMED_EVENT_TYPES.includes(e.type)).map((e) => e.id);
}

/** The seqs of messages that stand for one event each (not the snapshot, nor what a task tool's result adds). */
const DERIVED = new Set(["snapshot", "task_updated", "test_updated", "progress", "project_updated"]);
function eventSeqs(messages: Envelope[]): number[] {
  return messages.filter((m) => !DERIVED.has(m.type)).map((m) => m.seq);
}

describeEachDatabase("WebSocket", (db) => {
  it(
    "sends a snapshot, then every event of a real run as envelopes, with tasks, tests and progress",
    async () => {
      const server = await testServer(db(), { model: await scriptedModel() });
      const project = await newProject(server);
      // Its creation is its first event: the snapshot covers it.
      const created = await server.deps.stores.sessions.lastEventId(project.id);
      expect(created).toBeGreaterThan(0);
      const url = await listen(server);
      const client = connect(`${url}?project=${project.id}`);
      const [snapshot] = await client.first(1);
      expect(snapshot).toMatchObject({
        v: 1,
        type: "snapshot",
        project_id: project.id,
        seq: created,
        payload: {
          scope: "project",
          events: [],
          project: { id: project.id, name: "notes", status: "created", running_session: null },
        },
      });

      const result = await server.deps.orchestrator.run(project.id, { auto: true });
      expect(result.end).toBe("complete");
      await client.until((m) => m.type === "project_complete");

      const live = client.messages.slice(1);
      // One envelope per streamed event, in order, nothing else but what task tools add.
      expect(eventSeqs(live)).toEqual(streamedSeqs(server.events));
      const seqs = live.map((m) => m.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      const types = new Set(live.map((m) => m.type));
      for (const type of [
        "session_started",
        "assistant_text",
        "tool_use",
        "tool_result",
        "task_updated",
        "test_updated",
        "progress",
        "auto_continue",
        "session_ended",
        "project_complete",
      ]) {
        expect(types, type).toContain(type);
      }
      expect(types).not.toContain("prompt");
      // Every session event carries its session; the first and last of a session frame it.
      const started = live.filter((m) => m.type === "session_started");
      expect(started.map((m) => m.payload)).toMatchObject([
        { session_number: 0, session_type: "initializer" },
        { session_number: 1, session_type: "coding" },
        { session_number: 2, session_type: "coding" },
      ]);
      expect(started.every((m) => m.session_id !== undefined)).toBe(true);

      // While the plan is written, new tasks and tests come as they are created.
      expect(live.find((m) => m.type === "test_updated")).toMatchObject({ payload: { status: "unknown" } });
      // After a test is recorded: the test, its task, then the progress, with the seq of the
      // plan_changed event the result wrote (during the tool call, so after its tool_use).
      const recorded = live.findIndex((m) => m.type === "test_updated" && m.payload.status === "passing");
      const [test, task, progress] = live.slice(recorded, recorded + 3);
      expect(test).toMatchObject({ type: "test_updated", payload: { status: "passing" } });
      expect(task).toMatchObject({ type: "task_updated", payload: { tests: { total: 1, passing: 1 } } });
      expect(progress).toMatchObject({ type: "progress", payload: { tests: { passing: 1, total: 2 } } });
      const cause = server.events.find(
        (e) => e.type === "plan_changed" && (e.payload as { change: string }).change === "test_result",
      );
      expect([test?.seq, task?.seq, progress?.seq]).toEqual([cause?.id, cause?.id, cause?.id]);
      expect(live[recorded - 1]).toMatchObject({
        type: "tool_use",
        payload: { name: "mcp__tasks__update_test_result" },
      });
      const done = live.filter((m) => m.type === "task_updated").at(-1);
      expect(done).toMatchObject({ payload: { status: "done" } });
      expect(live.filter((m) => m.type === "progress").at(-1)).toMatchObject({
        payload: { finished: true, tests: { passing: 2 }, tasks: { done: 2 } },
      });

      // A client that connects now gets the newest events in its snapshot, and the project as it is.
      const later = connect(`${url}?project=${project.id}`);
      const [again] = await later.first(1);
      const newest = streamedSeqs(server.events);
      expect(again).toMatchObject({
        type: "snapshot",
        seq: server.events.at(-1)?.id,
        payload: { project: { status: "complete", progress: { finished: true } } },
      });
      if (again?.payload && "events" in again.payload) {
        const events = again.payload.events as Envelope[];
        expect(events.length).toBeGreaterThan(30);
        expect(events.map((e) => e.seq)).toEqual(newest.slice(-events.length));
      }
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "follows every project on the global stream: sessions starting and ending, status and progress",
    async () => {
      const server = await testServer(db(), { model: await scriptedModel() });
      const other = await newProject(server, "other");
      const project = await newProject(server);
      const url = await listen(server);
      const client = connect(url);
      const [snapshot] = await client.first(1);
      expect(snapshot).toMatchObject({
        type: "snapshot",
        project_id: null,
        payload: {
          scope: "global",
          projects: [
            { id: project.id, name: "notes", status: "created", progress: { tests: { total: 0 } } },
            { id: other.id, name: "other", status: "created" },
          ],
        },
      });
      await server.deps.orchestrator.run(project.id, { auto: true });
      await client.until((m) => m.type === "project_updated" && m.payload.status === "complete");
      const live = client.messages.slice(1);
      expect(new Set(live.map((m) => m.type))).toEqual(
        new Set(["session_started", "session_ended", "project_updated"]),
      );
      expect(live.filter((m) => m.type === "session_started")).toHaveLength(3);
      expect(live.filter((m) => m.type === "session_ended")).toHaveLength(3);
      expect(live.every((m) => m.project_id === project.id)).toBe(true);
      const statuses = live.flatMap((m) => (m.type === "project_updated" ? [m.payload.status] : []));
      expect(statuses).toContain("initializing");
      expect(statuses).toContain("running");
      const running = live.find((m) => m.type === "project_updated" && m.payload.running_session !== null);
      expect(running).toMatchObject({ payload: { running_session: { number: 0, type: "initializer" } } });
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "replays what a client missed on reconnect with since, then goes live: nothing lost, nothing twice",
    async () => {
      const server = await testServer(db(), { model: await scriptedModel() });
      const project = await newProject(server);
      const url = await listen(server);
      const first = connect(`${url}?project=${project.id}`);
      await first.first(1);
      const run = server.deps.orchestrator.run(project.id, { auto: true });
      // Receive some, go away while the run goes on, come back mid-run.
      await first.first(12);
      first.ws.close();
      await first.closed;
      const seen = first.messages.slice(1);
      const since = Math.max(...seen.map((m) => m.seq));
      const at = server.events.length;
      await vi.waitUntil(() => server.events.length > at + 20, { timeout: 20_000, interval: 5 });
      const second = connect(`${url}?project=${project.id}&since=${since}`);
      expect((await run).end).toBe("complete");
      await second.until((m) => m.type === "project_complete");

      const [snapshot, ...rest] = second.messages;
      expect(snapshot).toMatchObject({ type: "snapshot", seq: since, payload: { events: [] } });
      const received = [...eventSeqs(seen), ...eventSeqs(rest)];
      expect(received).toEqual(streamedSeqs(server.events));
      expect(new Set(received).size).toBe(received.length);
      // What changed while it was away comes once more as it is now, so its tasks are current.
      expect(rest.some((m) => m.type === "task_updated")).toBe(true);

      // Gone right after a test result's change, before its test_updated: that test comes again too.
      const recorded = server.events.filter(
        (e) => e.type === "plan_changed" && (e.payload as { change: string }).change === "test_result",
      );
      const edge = recorded.at(-1)?.id ?? 0;
      const third = connect(`${url}?project=${project.id}&since=${edge}`);
      await third.until((m) => m.type === "progress");
      expect(eventSeqs(third.messages.slice(1))).toEqual(streamedSeqs(server.events).filter((s) => s > edge));
      expect(third.messages.filter((m) => m.type === "test_updated")).toMatchObject([
        { payload: { status: "passing" } },
      ]);
    },
    RUN_TIMEOUT_MS,
  );

  it("tells the global stream of projects created, changed and deleted through the API", async () => {
    const server = await testServer(db());
    const url = await listen(server);
    const client = connect(url);
    await client.first(1);
    const body = new FormData();
    body.append("name", "shop");
    body.append("spec", new Blob([SPEC]), "shop.md");
    const created = await fetch(url.replace("ws://", "http://").replace("/api/ws", "/api/projects"), {
      method: "POST",
      body,
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    const added = await client.until((m) => m.type === "project_updated");
    expect(added).toMatchObject({ project_id: id, payload: { id, name: "shop", status: "created" } });
    const patched = await server.app.inject({
      method: "PATCH",
      url: `/api/projects/${id}`,
      payload: { budget_usd: 5 },
    });
    expect(patched.statusCode).toBe(200);
    await client.until((m) => m.type === "project_updated" && m.payload.budget_usd === 5);
    const deleted = await server.app.inject({ method: "DELETE", url: `/api/projects/${id}?confirm=shop` });
    expect(deleted.statusCode).toBe(200);
    expect(await client.until((m) => m.type === "project_deleted")).toMatchObject({
      project_id: id,
      payload: { id, name: "shop" },
    });
  });

  it("switches from replay to live without a gap or a repeat while events keep coming", async () => {
    const server = await testServer(db());
    const project = await newProject(server);
    const url = await listen(server);
    const { sessions } = server.deps.stores;
    const payload = (n: number) => ({ delay_s: 0, next_session: n });
    // Stored but not yet published (as a recorder between its commit and its publish), and more
    // than one page of replay, so that they are published while the client catches up.
    const stored: BatonEvent[] = [];
    for (let i = 0; i < 1_200; i++) {
      const e = await sessions.appendProjectEvent(project.id, { type: "auto_continue", payload: payload(i) });
      stored.push(e as BatonEvent);
    }
    const since = stored[9]?.id ?? 0;
    // Published late, one per turn of the event loop, from before the client connects until
    // after it has caught up: before it is added, while it is held, and once it is live.
    const publishing = (async () => {
      for (const e of stored) {
        server.deps.bus.publish(e);
        await new Promise((resolve) => setImmediate(resolve));
      }
      for (let i = 1_200; i < 1_300; i++) {
        await recordProjectEvent({ sessions, bus: server.deps.bus }, project.id, "auto_continue", payload(i));
      }
    })();
    const client = connect(`${url}?project=${project.id}&since=${since}`);
    await publishing;
    await client.until((m) => m.type === "auto_continue" && m.payload.next_session === 1_299);
    const seqs = client.messages.slice(1).map((m) => m.seq);
    expect(seqs).toEqual(
      (await sessions.listProjectEvents(project.id, { afterId: since, limit: 5_000 })).map((e) => e.id),
    );
    expect(seqs).toHaveLength(1_290);
  });

  it("refuses an unknown project with 4404 and a bad since with 4400, each with an error envelope", async () => {
    const server = await testServer(db());
    const project = await newProject(server);
    const newest = await server.deps.stores.sessions.lastEventId();
    const url = await listen(server);
    const cases: [string, number, RegExp][] = [
      [`${url}?project=999`, 4404, /no project/],
      [`${url}?project=nope`, 4404, /no project/],
      [`${url}?project=${project.id}&since=abc`, 4400, /since/],
      [`${url}?project=${project.id}&since=-1`, 4400, /since/],
      [
        `${url}?project=${project.id}&since=${newest + 5}`,
        4400,
        new RegExp(`ahead of the newest event \\(${newest}\\)`),
      ],
      [`${url}?since=0`, 4400, /since needs project/],
    ];
    for (const [target, code, message] of cases) {
      const client = connect(target);
      const closed = await client.closed;
      expect(closed.code, target).toBe(code);
      expect(client.messages, target).toHaveLength(1);
      expect(client.messages[0], target).toMatchObject({
        type: "error",
        seq: 0,
        payload: { message: expect.stringMatching(message) },
      });
    }
    // By name works too.
    const byName = connect(`${url}?project=notes`);
    expect((await byName.first(1))[0]).toMatchObject({ type: "snapshot", project_id: project.id });
  });

  it("needs a token before the upgrade when a password is set: 401 without or with a bad one", async () => {
    const server = await testServer(db(), { password: "secret" });
    const project = await newProject(server);
    const url = await listen(server);
    expect(await refusedWith(`${url}?project=${project.id}`)).toBe(401);
    expect(await refusedWith(url)).toBe(401);
    expect(await refusedWith(url, {}, tokenProtocols("forged"))).toBe(401);
    expect(await refusedWith(url, { authorization: "Bearer forged" })).toBe(401);
    const token = server.headers.authorization?.slice("Bearer ".length) ?? "";
    // Never in the URL, where proxies and logs keep it, even when it is valid.
    const byQuery = await refusal(`${url}?project=${project.id}&token=${token}`);
    expect(byQuery.status).toBe(401);
    expect(byQuery.body).toMatchObject({ code: "BATON_UNAUTHORIZED" });
    expect(byQuery.body.message).toMatch(/a token in the URL is refused/);
    // As a subprotocol, as browsers send it; the server answers with the `baton` subprotocol.
    const byProtocol = connect(`${url}?project=${project.id}`, {}, tokenProtocols(token));
    expect((await byProtocol.first(1))[0]).toMatchObject({ type: "snapshot" });
    expect(byProtocol.ws.protocol).toBe("baton");
    const byHeader = connect(url, server.headers);
    expect((await byHeader.first(1))[0]).toMatchObject({ type: "snapshot", payload: { scope: "global" } });
  });

  it("refuses pages from other origins (403 before the upgrade) unless server.cors_origins lists them", async () => {
    const server = await testServer(db(), { config: { server: { cors_origins: ["http://ui.example"] } } });
    const url = await listen(server);
    expect(await refusedWith(url, { origin: "https://evil.example" })).toBe(403);
    const own = connect(url, { origin: `http://${new URL(url).host}` });
    const listed = connect(url, { origin: "http://ui.example" });
    expect((await own.first(1))[0]).toMatchObject({ type: "snapshot" });
    expect((await listed.first(1))[0]).toMatchObject({ type: "snapshot" });
  });
});

describeEachDatabase("WebSocket delivery", (db) => {
  it("drops a client that stops reading (1013) without slowing the others", async () => {
    const server = await testServer(db());
    const project = await newProject(server);
    const url = await listen(server);
    const slow = connect(`${url}?project=${project.id}`);
    const fast = connect(`${url}?project=${project.id}`);
    await slow.first(1);
    await fast.first(1);
    (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const text = "x".repeat(64 * 1024);
    const count = 400;
    for (let i = 1; i <= count; i++) {
      server.deps.bus.publish({
        id: 1_000 + i,
        project_id: project.id,
        session_id: null,
        seq: null,
        ts: new Date().toISOString(),
        type: "assistant_text",
        payload: { text },
      });
      // The reading client keeps up (it is not held back by the one that does not read).
      await fast.first(1 + i);
    }
    expect(fast.messages.slice(1).map((m) => m.seq)).toEqual(
      Array.from({ length: count }, (_, i) => 1_001 + i),
    );
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const closed = await slow.closed;
    expect(closed.code).toBe(1013);
    expect(closed.reason).toMatch(/too slow/);
    expect(slow.messages.length).toBeLessThan(1 + count);
  });

  it("pings every 20 s, and cuts a connection that stops answering", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const server = await testServer(db());
    const project = await newProject(server);
    const url = await listen(server);
    const client = connect(`${url}?project=${project.id}`);
    await client.first(1);
    const pinged = new Promise<void>((resolve) => client.ws.once("ping", () => resolve()));
    vi.advanceTimersByTime(19_000);
    vi.advanceTimersByTime(1_000);
    await pinged;
    // Answered (ws answers pings itself): still open after the next one.
    await new Promise((resolve) => setTimeout(resolve, 50));
    vi.advanceTimersByTime(20_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    // Stops answering: the next ping finds it silent and the one after cuts it.
    const socket = (client.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    vi.advanceTimersByTime(20_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    vi.advanceTimersByTime(20_000);
    socket.resume();
    const closed = await client.closed;
    expect(closed.code).toBe(1006);
  });
});
