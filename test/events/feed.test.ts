import pg from "pg";
import { expect, it, vi } from "vitest";
import { createStores } from "../../src/db/stores/index.ts";
import { EventBus } from "../../src/events/bus.ts";
import type { BatonEvent } from "../../src/events/catalog.ts";
import { createEventFeed } from "../../src/events/feed.ts";
import { recordProjectEvent } from "../../src/events/project-events.ts";
import { createProject } from "../../src/projects/create-project.ts";
import { describeEachDatabase, TEST_DATABASE_URL, type TestDatabase } from "../helpers/databases.ts";
import { testLog } from "../helpers/log.ts";
import { makeWorld } from "../helpers/world.ts";

/** A second process, in effect: its own connection and stores, writing events. */
async function writer(t: TestDatabase) {
  const database = await t.reopen();
  const stores = createStores(database.db);
  const w = makeWorld();
  const project = await createProject(stores, {
    name: "p",
    directory: `${w.root}/p`,
    spec: w.write("s.md", "# S"),
  });
  const write = async (n: number) => {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      ids.push(
        (await recordProjectEvent(stores, project.id, "auto_continue", { delay_s: 0, next_session: i })).id,
      );
    }
    return ids;
  };
  return { project, write };
}

/** The feed of "this" process: its own bus, fed with what the writer commits. */
async function following(t: TestDatabase) {
  const bus = new EventBus();
  const seen: BatonEvent[] = [];
  bus.subscribe((e) => seen.push(e));
  const log = testLog();
  const feed = createEventFeed(
    { database: t.database, stores: t.stores, bus, log },
    { pollMs: 20, reconnectMs: 50 },
  );
  await feed.start();
  return { bus, seen, feed, log };
}

const ofType = (seen: BatonEvent[], type: string) => seen.filter((e) => e.type === type).map((e) => e.id);

describeEachDatabase("the event feed", (db) => {
  it("brings another process's events onto this process's bus, in order, each once", async () => {
    const t = db();
    const { seen, feed } = await following(t);
    try {
      const other = await writer(t);
      const ids = await other.write(50);
      await vi.waitUntil(() => ofType(seen, "auto_continue").length === ids.length, { timeout: 10_000 });
      expect(ofType(seen, "auto_continue")).toEqual(ids);
      // The project's creation came the same way, before them.
      expect(seen[0]).toMatchObject({
        type: "project_changed",
        project_id: other.project.id,
        payload: { change: "created" },
      });
    } finally {
      await feed.stop();
    }
  });

  it("delivers an event once when this process wrote it too (published by the write and read by the feed)", async () => {
    const t = db();
    const { bus, seen, feed } = await following(t);
    try {
      const w = makeWorld();
      const stores = createStores(t.database.db, { bus });
      const project = await createProject(stores, {
        name: "own",
        directory: `${w.root}/own`,
        spec: w.write("s.md", "# S"),
      });
      const own = await recordProjectEvent(stores, project.id, "resumed", { reason: "mine" });
      const other = await writer(t);
      const [last] = await other.write(1);
      await vi.waitUntil(() => seen.some((e) => e.id === last), { timeout: 10_000 });
      expect(seen.filter((e) => e.id === own.id)).toHaveLength(1);
      expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    } finally {
      await feed.stop();
    }
  });
});

(TEST_DATABASE_URL === undefined ? it.skip : it)(
  "on PostgreSQL, reconnects after losing its LISTEN connection and brings what was written meanwhile",
  async () => {
    const { createTestDatabase } = await import("../helpers/databases.ts");
    const t = await createTestDatabase("postgres");
    const { seen, feed, log } = await following(t);
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      const other = await writer(t);
      const before = await other.write(5);
      await vi.waitUntil(() => before.every((id) => seen.some((e) => e.id === id)), { timeout: 10_000 });
      // Its LISTEN connection is the one whose last statement listens on this schema's channel.
      const { s: schema } = await t.database.db
        .selectNoFrom((eb) => eb.fn<string>("current_schema", []).as("s"))
        .executeTakeFirstOrThrow();
      const killed = await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where query ilike 'listen %' and pid <> pg_backend_pid() and query ilike $1",
        [`%baton_events_${schema}%`],
      );
      expect(killed.rowCount).toBe(1);
      const during = await other.write(20);
      await vi.waitUntil(() => during.every((id) => seen.some((e) => e.id === id)), { timeout: 20_000 });
      expect(ofType(seen, "auto_continue")).toEqual([...before, ...during]);
      expect(
        log.lines.some((l) => JSON.parse(l).msg.startsWith("event feed: lost the LISTEN connection")),
      ).toBe(true);
    } finally {
      await feed.stop();
      await admin.end();
      await t.cleanup();
    }
  },
  60_000,
);

(TEST_DATABASE_URL === undefined ? it.skip : it)(
  "on PostgreSQL, works in a schema whose channel name would pass 63 characters",
  async () => {
    const { createTestDatabase } = await import("../helpers/databases.ts");
    // 50 + 12 characters: "baton_events_" in front makes 75, which PostgreSQL would refuse.
    const t = await createTestDatabase("postgres", `s${"x".repeat(49)}`);
    const { seen, feed } = await following(t);
    try {
      const other = await writer(t);
      const ids = await other.write(3);
      await vi.waitUntil(() => ids.every((id) => seen.some((e) => e.id === id)), { timeout: 10_000 });
    } finally {
      await feed.stop();
      await t.cleanup();
    }
  },
  60_000,
);
