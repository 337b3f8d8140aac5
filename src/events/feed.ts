/**
 * The event feed: makes the events every other process writes (a `baton run` in a terminal, a
 * second server) appear on this process's bus, so its WebSocket clients and caches follow them.
 *
 * - SQLite: a tail of the event log by id. SQLite has one writer at a time, so ids are committed
 *   in order and reading `id > last` misses nothing.
 * - PostgreSQL: LISTEN on `baton_events_<schema>`, which a trigger notifies with each event's id at
 *   commit, in commit order (ids from a sequence are not: a tail by id could skip one). The rows
 *   are then read by id. After a lost connection the feed reconnects and reads what it missed.
 *
 * Events this process wrote itself reach the bus from the write too; the bus delivers each once.
 */
import pg from "pg";
import type { Database } from "../db/database.ts";
import type { Stores } from "../db/stores/index.ts";
import type { SessionEvent } from "../sessions/model.ts";
import type { EventBus } from "./bus.ts";
import { asBatonEvent } from "./catalog.ts";

export interface FeedLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface FeedOptions {
  /** SQLite: how often the log is read for new events. */
  pollMs: number;
  /** PostgreSQL: the wait before reconnecting a lost LISTEN connection (doubles up to 30 s). */
  reconnectMs: number;
}

export const DEFAULT_FEED_OPTIONS: FeedOptions = { pollMs: 100, reconnectMs: 500 };

/** Events read per query. */
const PAGE = 500;
const MAX_RECONNECT_MS = 30_000;

export interface EventFeed {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createEventFeed(
  deps: { database: Database; stores: Stores; bus: EventBus; log: FeedLog },
  options: FeedOptions = DEFAULT_FEED_OPTIONS,
): EventFeed {
  return deps.database.dialect === "postgres"
    ? new ListeningFeed(deps, options)
    : new TailingFeed(deps, options);
}

function publishAll(bus: EventBus, rows: readonly SessionEvent[]): void {
  for (const row of rows) {
    const event = asBatonEvent(row);
    if (event) bus.publish(event);
  }
}

/** SQLite: reads the log by id every `pollMs`. */
class TailingFeed implements EventFeed {
  private last = 0;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | null = null;

  constructor(
    private readonly deps: { stores: Stores; bus: EventBus; log: FeedLog },
    private readonly options: FeedOptions,
  ) {}

  async start(): Promise<void> {
    this.last = await this.deps.stores.sessions.lastEventId();
    this.timer = setInterval(() => {
      this.reading ??= this.read().finally(() => {
        this.reading = null;
      });
    }, this.options.pollMs);
    this.timer.unref();
  }

  private async read(): Promise<void> {
    try {
      for (;;) {
        const rows = await this.deps.stores.sessions.eventsAfter(this.last, PAGE);
        if (rows.length === 0) return;
        this.last = rows.at(-1)?.id ?? this.last;
        publishAll(this.deps.bus, rows);
        if (rows.length < PAGE) return;
      }
    } catch (error) {
      this.deps.log.warn({ err: error }, "event feed: reading the event log failed; retrying");
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.reading;
  }
}

/** PostgreSQL: LISTEN for the ids of committed events, then read them. */
class ListeningFeed implements EventFeed {
  private client: pg.Client | null = null;
  private stopped = false;
  private pending: number[] = [];
  private reading: Promise<void> | null = null;
  /** The newest id seen: what a reconnect reads after. */
  private last = 0;
  private retryMs: number;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: { database: Database; stores: Stores; bus: EventBus; log: FeedLog },
    private readonly options: FeedOptions,
  ) {
    this.retryMs = options.reconnectMs;
  }

  async start(): Promise<void> {
    this.last = await this.deps.stores.sessions.lastEventId();
    await this.connect();
  }

  private async connect(): Promise<void> {
    const { target } = this.deps.database;
    if (target.dialect !== "postgres") return;
    const client = new pg.Client({ connectionString: target.url });
    client.on("notification", (message) => {
      const id = Number(message.payload);
      if (Number.isSafeInteger(id)) this.enqueue(id);
    });
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client, new Error("the connection ended")));
    await client.connect();
    const { rows } = await client.query<{ schema: string }>("select current_schema() as schema");
    // The trigger's channel: cut to the 63 characters PostgreSQL allows (see migration 0002).
    const channel = `baton_events_${rows[0]?.schema ?? "public"}`.slice(0, 63);
    await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
    this.client = client;
    this.retryMs = this.options.reconnectMs;
  }

  private enqueue(id: number): void {
    this.pending.push(id);
    this.schedule();
  }

  private schedule(): void {
    this.reading ??= this.read().finally(() => {
      this.reading = null;
      if (this.pending.length > 0) this.schedule();
    });
  }

  /** Reads the notified events, in the order they were committed. */
  private async read(): Promise<void> {
    // Let the notifications of one burst gather into one query.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const ids = this.pending.splice(0, PAGE);
      try {
        const rows = await this.deps.stores.sessions.eventsWithIds(ids);
        const byId = new Map(rows.map((row) => [row.id, row]));
        publishAll(
          this.deps.bus,
          ids.flatMap((id) => byId.get(id) ?? []),
        );
        this.last = Math.max(this.last, ...ids);
      } catch (error) {
        this.deps.log.warn({ err: error, ids: ids.length }, "event feed: reading notified events failed");
      }
    }
  }

  private lost(client: pg.Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = null;
    client.removeAllListeners("end");
    void client.end().catch(() => undefined);
    if (this.stopped) return;
    this.deps.log.warn(
      { err: error, retry_ms: this.retryMs },
      "event feed: lost the LISTEN connection; reconnecting",
    );
    this.retry();
  }

  private retry(): void {
    this.retryTimer = setTimeout(async () => {
      try {
        await this.connect();
        // What was committed while no one listened.
        for (;;) {
          const rows = await this.deps.stores.sessions.eventsAfter(this.last, PAGE);
          if (rows.length === 0) break;
          this.last = rows.at(-1)?.id ?? this.last;
          publishAll(this.deps.bus, rows);
        }
      } catch (error) {
        this.retryMs = Math.min(MAX_RECONNECT_MS, this.retryMs * 2);
        this.deps.log.warn({ err: error, retry_ms: this.retryMs }, "event feed: reconnecting failed");
        if (!this.stopped && this.client === null) this.retry();
      }
    }, this.retryMs);
    this.retryTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners("end");
      client.removeAllListeners("error");
      client.on("error", () => undefined);
      await client.end().catch(() => undefined);
    }
    await this.reading;
  }
}
