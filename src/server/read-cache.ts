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

/** GET routes whose answers are cached: the project list, a project, and its plan views. */
const CACHEABLE =
  /^\/api\/projects(?:\/(\d+)(?:\/(?:progress|epics(?:\/\d+)?|tasks(?:\/\d+)?|coverage|sessions))?)?\/?(?:\?.*)?$/;

export const READ_CACHE_TTL_MS = 1_000;
export const READ_CACHE_LIMITS = { entries: 1_000, bytes: 32 * 1024 * 1024 };
export const CACHE_HEADER = "x-baton-cache";

interface Entry {
  at: number;
  body: string;
  contentType: string;
  /** null: the project list (changes with any project). */
  projectId: number | null;
}

export class ReadCache {
  private readonly entries: LRUCache<string, Entry>;

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
    if (projectId === undefined) {
      this.entries.clear();
      return;
    }
    const stale = [...this.entries.entries()].filter(
      ([, entry]) => entry.projectId === null || entry.projectId === projectId,
    );
    for (const [key] of stale) this.entries.delete(key);
  }

  register(app: FastifyInstance, bus: EventBus): void {
    const unsubscribe = bus.subscribe((event) => this.invalidate(event.project_id ?? undefined));
    app.addHook("onClose", async () => unsubscribe());
    app.addHook("onRequest", async (request, reply) => {
      if (request.method !== "GET") return;
      const hit = this.entries.get(request.url);
      if (hit === undefined) return;
      if (this.now() - hit.at > this.ttlMs) {
        this.entries.delete(request.url);
        return;
      }
      reply.header(CACHE_HEADER, "hit").type(hit.contentType).send(hit.body);
      return reply;
    });
    app.addHook("onSend", async (request, reply, payload) => {
      if (request.method !== "GET") {
        // A write through the API (create, patch, delete, env, settings, reset, runs) changes what reads see.
        if (request.url.startsWith("/api/")) this.invalidate();
        return payload;
      }
      const match = CACHEABLE.exec(request.url);
      if (
        match === null ||
        reply.statusCode !== 200 ||
        typeof payload !== "string" ||
        reply.hasHeader(CACHE_HEADER)
      ) {
        return payload;
      }
      this.entries.set(request.url, {
        at: this.now(),
        body: payload,
        contentType: String(reply.getHeader("content-type") ?? "application/json; charset=utf-8"),
        projectId: match[1] === undefined ? null : Number(match[1]),
      });
      return payload;
    });
  }
}
