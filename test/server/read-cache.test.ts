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
