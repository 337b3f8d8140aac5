/**
 * A short-lived cache of the JSON of the project and plan read routes, which a UI polls and many
 * clients read at once. An entry lives at most `ttlMs` (so changes made by another process, such
 * as `baton run` in a terminal, show within that time) and is dropped at once when anything of its
 * project happens on the bus, and on every write through the API. It holds at most
 * `limits.entries` answers and `limits.bytes` of them, the least recently used going first, so
 * reads of ever new URLs (other filters, pages, a client adding a query string) cannot grow it.
 */
import type { FastifyInstance } from "fastify";
import { LRUCache } from "lru-cache";
import type { EventBus } from "../events/bus.ts";
import { etagOf } from "./etag.ts";

/** GET routes whose answers are cached: the project list, a project, and its plan views. */
const CACHEABLE =
  /^\/api\/projects(?:\/(\d+)(?:\/(?:progress|epics(?:\/\d+)?|tasks(?:\/\d+)?|coverage|sessions))?)?\/?(?:\?.*)?$/;

export const READ_CACHE_TTL_MS = 1_000;
export const READ_CACHE_LIMITS = { entries: 1_000, bytes: 32 * 1024 * 1024 };
export const CACHE_HEADER = "x-baton-cache";

interface Entry {
  at: number;
  body: string;
  /** The body's ETag, computed once for every request it answers. */
  etag: string;
  contentType: string;
  /** null: the project list (changes with any project). */
  projectId: number | null;
}

/** A read another request of the same URL waits for: its answer, or null when it was not one to share. */
type Inflight = {
  answer: Promise<Entry | null>;
  resolve: (entry: Entry | null) => void;
  projectId: number | null;
};

export class ReadCache {
  private readonly entries: LRUCache<string, Entry>;
  /** Reads under way, by URL: identical reads arriving meanwhile get the same answer (one query). */
  private readonly inflight = new Map<string, Inflight>();
  /** The in-flight read each request leads. */
  private readonly leading = new WeakMap<object, { url: string; read: Inflight }>();

  /** `ttlMs` 0: answers are not kept, only identical reads in flight share one. */
  constructor(
    private readonly ttlMs = READ_CACHE_TTL_MS,
    private readonly now: () => number = Date.now,
    limits = READ_CACHE_LIMITS,
  ) {
    this.entries = new LRUCache<string, Entry>({
      max: limits.entries,
      maxSize: limits.bytes,
      sizeCalculation: (entry) => Math.max(1, Buffer.byteLength(entry.body)),
    });
  }

  /** How many answers it holds, and their bytes. */
  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.entries.calculatedSize };
  }

  /** Drops what a change to `projectId` (undefined: any project) may have made stale. */
  invalidate(projectId?: number): void {
    const stale = (entry: { projectId: number | null }) =>
      projectId === undefined || entry.projectId === null || entry.projectId === projectId;
    // A read under way may have read before the change: later requests do not join it.
    for (const [url, read] of this.inflight) if (stale(read)) this.inflight.delete(url);
    if (projectId === undefined) {
      this.entries.clear();
      return;
    }
    for (const [key] of [...this.entries.entries()].filter(([, entry]) => stale(entry)))
      this.entries.delete(key);
  }

  register(app: FastifyInstance, bus: EventBus): void {
    const unsubscribe = bus.subscribe((event) => this.invalidate(event.project_id ?? undefined));
    app.addHook("onClose", async () => unsubscribe());
    app.addHook("onRequest", async (request, reply) => {
      if (request.method !== "GET") return;
      const match = CACHEABLE.exec(request.url);
      if (match === null) return;
      const hit = this.entries.get(request.url);
      if (hit !== undefined && this.now() - hit.at <= this.ttlMs) {
        reply.header(CACHE_HEADER, "hit").header("etag", hit.etag).type(hit.contentType).send(hit.body);
        return reply;
      }
      if (hit !== undefined) this.entries.delete(request.url);
      const under = this.inflight.get(request.url);
      if (under !== undefined) {
        const shared = await under.answer;
        if (shared === null) return; // the first read failed or was not a 200: read for itself
        reply
          .header(CACHE_HEADER, "shared")
          .header("etag", shared.etag)
          .type(shared.contentType)
          .send(shared.body);
        return reply;
      }
      let resolve: (entry: Entry | null) => void = () => {};
      const answer = new Promise<Entry | null>((r) => {
        resolve = r;
      });
      const read = { answer, resolve, projectId: match[1] === undefined ? null : Number(match[1]) };
      this.inflight.set(request.url, read);
      this.leading.set(request, { url: request.url, read });
      // Let the requests that arrived with this one join it before it reads (the database answers
      // SQLite reads synchronously, so without this turn no read is ever "in flight"): each of
      // them gets an answer read after it arrived.
      await new Promise((resolve) => setImmediate(resolve));
    });
    app.addHook("onSend", async (request, reply, payload) => {
      if (request.method !== "GET") {
        // A write through the API (create, patch, delete, env, settings, reset, runs) changes what reads see.
        if (request.url.startsWith("/api/")) this.invalidate();
        return payload;
      }
      const led = this.leading.get(request);
      if (led === undefined || reply.hasHeader(CACHE_HEADER)) return payload;
      const entry =
        reply.statusCode === 200 && typeof payload === "string"
          ? {
              at: this.now(),
              body: payload,
              etag: etagOf(payload),
              contentType: String(reply.getHeader("content-type") ?? "application/json; charset=utf-8"),
              projectId: led.read.projectId,
            }
          : null;
      if (entry !== null) reply.header("etag", entry.etag);
      this.settle(request, entry);
      if (entry !== null && this.ttlMs > 0) this.entries.set(request.url, entry);
      return payload;
    });
    // A read that ends without an answer (aborted, failed before onSend) lets its waiters read.
    app.addHook("onResponse", async (request) => this.settle(request, null));
    app.addHook("onRequestAbort", async (request) => this.settle(request, null));
  }

  /** Ends the read `request` leads: its waiters get `entry` (null: read for themselves). */
  private settle(request: object, entry: Entry | null): void {
    const led = this.leading.get(request);
    if (led === undefined) return;
    this.leading.delete(request);
    if (this.inflight.get(led.url) === led.read) this.inflight.delete(led.url);
    led.read.resolve(entry);
  }
}
