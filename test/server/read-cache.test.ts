import Fastify from "fastify";
import { expect, it } from "vitest";
import { EventBus } from "../../src/events/bus.ts";
import { CACHE_HEADER, ReadCache } from "../../src/server/read-cache.ts";
import { createTestDatabase } from "../helpers/databases.ts";
import { testServer } from "../helpers/server.ts";
import { makeProject } from "../stores/fixtures.ts";

it("answers repeated reads of a project from memory until its project changes or the entry ages out", async () => {
  let now = 0;
  let served = 0;
  const bus = new EventBus();
  const app = Fastify();
  new ReadCache(1_000, () => now).register(app, bus);
  app.get("/api/projects/:id", async () => ({ served: ++served }));
  app.get("/api/projects", async () => ({ served: ++served }));
  app.post("/api/projects/:id/reset", async () => ({ ok: true }));
  const get = async (url: string) => {
    const res = await app.inject({ url });
    return [res.json().served, res.headers[CACHE_HEADER] ?? "miss"];
  };
  expect(await get("/api/projects/7")).toEqual([1, "miss"]);
  expect(await get("/api/projects/7")).toEqual([1, "hit"]);
  expect(await get("/api/projects/8")).toEqual([2, "miss"]);
  expect(await get("/api/projects")).toEqual([3, "miss"]);
  // An event of project 7 drops 7 and the list, not 8.
  bus.publish({
    id: 1,
    project_id: 7,
    session_id: null,
    seq: null,
    ts: "",
    type: "resumed",
    payload: { reason: "x" },
  });
  expect(await get("/api/projects/7")).toEqual([4, "miss"]);
  expect(await get("/api/projects/8")).toEqual([2, "hit"]);
  expect(await get("/api/projects")).toEqual([5, "miss"]);
  // Entries age out.
  now += 1_001;
  expect(await get("/api/projects/8")).toEqual([6, "miss"]);
  // A write through the API drops everything.
  expect(await get("/api/projects/8")).toEqual([6, "hit"]);
  await app.inject({ method: "POST", url: "/api/projects/8/reset" });
  expect(await get("/api/projects/8")).toEqual([7, "miss"]);
  await app.close();
});

it("holds a bounded number of answers and bytes however many distinct URLs are read", async () => {
  const cache = new ReadCache(60_000, Date.now, { entries: 50, bytes: 40_000 });
  const app = Fastify();
  cache.register(app, new EventBus());
  app.get("/api/projects/:id/tasks", async (request) => ({ url: request.url, pad: "x".repeat(500) }));
  // A cache-busting client: every read a new query string.
  for (let i = 0; i < 400; i++) await app.inject({ url: `/api/projects/1/tasks?status=pending&n=${i}` });
  expect(cache.size.entries).toBe(50);
  expect(cache.size.bytes).toBeLessThanOrEqual(40_000);
  // The most recent reads are the ones kept.
  const recent = await app.inject({ url: "/api/projects/1/tasks?status=pending&n=399" });
  expect(recent.headers[CACHE_HEADER]).toBe("hit");
  const old = await app.inject({ url: "/api/projects/1/tasks?status=pending&n=0" });
  expect(old.headers[CACHE_HEADER]).toBeUndefined();

  // Bytes bound it too: big answers push out older ones before the count does.
  const small = new ReadCache(60_000, Date.now, { entries: 1_000, bytes: 5_000 });
  const app2 = Fastify();
  small.register(app2, new EventBus());
  app2.get("/api/projects/:id", async (request) => ({ url: request.url, pad: "y".repeat(1_000) }));
  for (let i = 0; i < 30; i++) await app2.inject({ url: `/api/projects/${i}` });
  expect(small.size.bytes).toBeLessThanOrEqual(5_000);
  expect(small.size.entries).toBe(4);
  await app.close();
  await app2.close();
});

it("caches only successful answers of the read routes, in the real server", async () => {
  const t = await createTestDatabase("sqlite");
  try {
    const { app } = await testServer(t);
    const project = await makeProject(t, "cached");
    const first = await app.inject({ url: `/api/projects/${project.id}/tasks` });
    const second = await app.inject({ url: `/api/projects/${project.id}/tasks` });
    expect(first.statusCode).toBe(200);
    expect(second.headers[CACHE_HEADER]).toBe("hit");
    expect(second.body).toBe(first.body);
    const missing = await app.inject({ url: "/api/projects/9999" });
    expect(missing.statusCode).toBe(404);
    expect((await app.inject({ url: "/api/projects/9999" })).headers[CACHE_HEADER]).toBeUndefined();
    expect((await app.inject({ url: "/api/info" })).headers[CACHE_HEADER]).toBeUndefined();
    expect((await app.inject({ url: "/api/info" })).headers[CACHE_HEADER]).toBeUndefined();
  } finally {
    await t.cleanup();
  }
});

it("gives identical reads in flight one answer (one read), and lets them read for themselves when it fails", async () => {
  const bus = new EventBus();
  const app = Fastify();
  new ReadCache(0).register(app, bus);
  let reads = 0;
  let release: () => void = () => {};
  let gate = new Promise<void>((r) => {
    release = r;
  });
  let fail = false;
  app.get("/api/projects/:id/tasks", async (request, reply) => {
    const read = ++reads;
    const failing = fail;
    await gate;
    if (failing) return reply.code(503).send({ code: "X", message: "down" });
    return { read, url: request.url };
  });
  const read = (url = "/api/projects/1/tasks") => app.inject({ url });
  // Five identical reads while the first is under way: one read, five equal answers.
  const answers = Promise.all([read(), read(), read(), read(), read()]);
  await new Promise((r) => setTimeout(r, 20));
  const other = read("/api/projects/1/tasks?limit=5"); // another URL reads for itself
  await new Promise((r) => setTimeout(r, 20));
  expect(reads).toBe(2);
  release();
  const done = await answers;
  expect(done.map((r) => r.json().read)).toEqual([1, 1, 1, 1, 1]);
  expect(done.map((r) => r.headers[CACHE_HEADER] ?? "led")).toEqual([
    "led",
    "shared",
    "shared",
    "shared",
    "shared",
  ]);
  expect((await other).json().url).toBe("/api/projects/1/tasks?limit=5");
  // With the TTL 0 nothing is kept: the next read reads again.
  expect((await read()).json().read).toBe(3);

  // A read that fails does not hand its failure on: the waiters read for themselves.
  gate = new Promise<void>((r) => {
    release = r;
  });
  fail = true;
  const failing = Promise.all([read(), read()]);
  await new Promise((r) => setTimeout(r, 20));
  fail = false;
  release();
  const [first, second] = await failing;
  expect(first?.statusCode).toBe(503);
  expect(second?.statusCode).toBe(200);
  expect(second?.json().read).toBe(5);
  await app.close();
});

it("answers 304 with no body to a client that holds the current answer (ETag), and 200 once it changed", async () => {
  const t = await createTestDatabase("sqlite");
  try {
    const s = await testServer(t);
    const project = await makeProject(t);
    const url = `/api/projects/${project.id}/tasks`;
    const first = await s.app.inject({ url });
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^W\/".+"$/);
    expect(first.headers["cache-control"]).toBe("no-cache");
    const again = await s.app.inject({ url, headers: { "if-none-match": etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe("");
    // Another tag, or a list holding this one.
    expect((await s.app.inject({ url, headers: { "if-none-match": 'W/"other"' } })).statusCode).toBe(200);
    expect((await s.app.inject({ url, headers: { "if-none-match": `"x", ${etag}` } })).statusCode).toBe(304);
    // The plan changes: the old tag gets the new answer.
    const epic = await t.stores.plan.createEpic(project.id, { name: "New", priority: 1 });
    await t.stores.plan.expandEpic(project.id, epic.id, [
      { description: "A task", action: "Do it.", tests: [] },
    ]);
    const changed = await s.app.inject({ url, headers: { "if-none-match": etag } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().tasks).toHaveLength(1);
  } finally {
    await t.cleanup();
  }
});

it("lets reads that arrive together share one read even when the read itself never waits (SQLite)", async () => {
  const app = Fastify();
  new ReadCache(0).register(app, new EventBus());
  let reads = 0;
  app.get("/api/projects/:id", async () => ({ read: ++reads })); // answers at once, as better-sqlite3 does
  const answers = await Promise.all(Array.from({ length: 8 }, () => app.inject({ url: "/api/projects/3" })));
  expect(answers.map((r) => r.json().read)).toEqual(Array(8).fill(1));
  expect(reads).toBe(1);
  // One arriving later reads again: nothing is kept with the TTL 0.
  expect((await app.inject({ url: "/api/projects/3" })).json().read).toBe(2);
  await app.close();
});
