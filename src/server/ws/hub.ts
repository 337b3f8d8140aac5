/**
 * The WebSocket hub: one bus subscription fans every event out to the sockets watching its
 * project (and to the global stream). The bus listener never waits on a socket: envelopes are
 * serialized once and handed to each socket's own buffer; a socket whose buffer grows past the
 * limit is closed with 1013 instead of slowing the others. Work that reads the database (the
 * task, test and progress after a task tool, a project's summary) runs on a per-project queue so
 * envelopes keep the order of their events.
 */
import type { FastifyBaseLogger } from "fastify";
import WebSocket from "ws";
import type { Stores } from "../../db/stores/index.ts";
import type { EventBus } from "../../events/bus.ts";
import type { BatonEvent } from "../../events/catalog.ts";
import type { Envelope, EnvelopeType } from "./envelope.ts";
import { changesProjectSummary, planChangeOf, toEnvelope } from "./map-event.ts";
import { planChangeEnvelopes, projectUpdated } from "./views.ts";

export interface HubOptions {
  /** A ping frame to every socket this often; a socket that did not answer the last one is cut. */
  pingIntervalMs: number;
  /** A socket with more than this many bytes waiting to be sent is dropped (closed with 1013). */
  maxBufferedBytes: number;
  /** Live envelopes held for a socket while its snapshot or replay is being sent, at most. */
  maxHeldEnvelopes: number;
  /** After a 1013 close, the connection is cut if the close handshake has not finished by then. */
  closeGraceMs: number;
}

export const DEFAULT_HUB_OPTIONS: HubOptions = {
  pingIntervalMs: 20_000,
  maxBufferedBytes: 1024 * 1024,
  maxHeldEnvelopes: 10_000,
  closeGraceMs: 5_000,
};

/** Close codes: 1013 "try again later" for a slow client; 4000 + HTTP status for request problems. */
export const CLOSE_TOO_SLOW = 1013;
export const CLOSE_GOING_AWAY = 1001;

interface Held {
  seq: number;
  data: string;
}

/** One connected socket. */
export interface WsClient {
  readonly socket: WebSocket;
  /** The project it watches; null for the global stream. */
  readonly projectId: number | null;
  /** Live envelopes that arrived before its first messages were all sent; null once released. */
  held: Held[] | null;
  /**
   * The newest event its first messages covered (set on release): anything at or below it is
   * not sent again, even when an event is published late, after the replay read it.
   */
  floor: number;
  alive: boolean;
}

/** Envelopes about one project that the global stream carries too. */
const GLOBAL_ENVELOPES: ReadonlySet<EnvelopeType> = new Set<EnvelopeType>([
  "session_started",
  "session_ended",
  "project_updated",
  "project_deleted",
]);

export class WsHub {
  private readonly byProject = new Map<number, Set<WsClient>>();
  private readonly global = new Set<WsClient>();
  /** Per project: the tail of its queue of database-reading work, while there is any. */
  private readonly queues = new Map<number, { tail: Promise<void>; pending: number }>();
  private unsubscribe: (() => void) | undefined;
  private pinger: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: { stores: Stores; bus: EventBus; log: FastifyBaseLogger },
    private readonly options: HubOptions = DEFAULT_HUB_OPTIONS,
  ) {}

  start(): void {
    this.unsubscribe ??= this.deps.bus.subscribe((event) => this.onEvent(event));
    this.pinger ??= setInterval(() => this.ping(), this.options.pingIntervalMs);
    this.pinger.unref();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearInterval(this.pinger);
    this.pinger = undefined;
    for (const client of this.clients()) client.socket.close(CLOSE_GOING_AWAY, "the server is shutting down");
    this.byProject.clear();
    this.global.clear();
  }

  /**
   * Adds a socket. Live envelopes are held for it until `release`, so that its snapshot or
   * replay can be sent first.
   */
  add(socket: WebSocket, projectId: number | null): WsClient {
    const client: WsClient = { socket, projectId, held: [], floor: 0, alive: true };
    if (projectId === null) this.global.add(client);
    else {
      const set = this.byProject.get(projectId) ?? new Set<WsClient>();
      set.add(client);
      this.byProject.set(projectId, set);
    }
    socket.on("pong", () => {
      client.alive = true;
    });
    socket.on("close", () => this.remove(client));
    return client;
  }

  remove(client: WsClient): void {
    client.held = null;
    if (client.projectId === null) {
      this.global.delete(client);
      return;
    }
    const set = this.byProject.get(client.projectId);
    set?.delete(client);
    if (set?.size === 0) this.byProject.delete(client.projectId);
  }

  /** Sends one of the client's first messages (not held). False when the client is gone. */
  send(client: WsClient, message: Envelope): boolean {
    return this.write(client, JSON.stringify(message));
  }

  /** Sends the held live envelopes newer than `seq` (what the first messages did not cover), then goes live. */
  release(client: WsClient, seq: number): void {
    const held = client.held ?? [];
    client.held = null;
    client.floor = seq;
    for (const h of held) {
      if (h.seq > seq && !this.write(client, h.data)) return;
    }
  }

  /** Whether the client's send buffer is over half the limit (a replay should wait for it to drain). */
  behind(client: WsClient): boolean {
    return client.socket.bufferedAmount >= this.options.maxBufferedBytes / 2;
  }

  /**
   * Resolves once the client's send buffer is under half the limit (for long replays, which may
   * wait on the socket: they are not the bus listener); false when the client is gone or stays
   * behind for too long.
   */
  async drained(client: WsClient, timeoutMs = 30_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (client.socket.readyState === WebSocket.OPEN) {
      if (client.socket.bufferedAmount < this.options.maxBufferedBytes / 2) return true;
      if (Date.now() > deadline) {
        this.drop(client, "too slow: the replay did not drain");
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return false;
  }

  private *clients(): Iterable<WsClient> {
    yield* this.global;
    for (const set of this.byProject.values()) yield* set;
  }

  private onEvent(event: BatonEvent): void {
    const direct = toEnvelope(event);
    const projectId = event.project_id;
    if (projectId === null) {
      // About no one project (an analysis that ended): the global stream only.
      if (direct) for (const client of this.global) this.offer(client, direct.seq, JSON.stringify(direct));
      return;
    }
    const watchers = this.byProject.get(projectId);
    const watched = watchers !== undefined && watchers.size > 0;
    const globalWatched = this.global.size > 0;
    if (!watched && !globalWatched) return;
    const change = watched ? planChangeOf(event) : null;
    const summary =
      changesProjectSummary(event) && (globalWatched || (watched && event.type === "project_changed"));
    const queue = this.queues.get(projectId);
    if (change === null && !summary && queue === undefined) {
      // The common case (text, tool calls): no database work, nothing queued before it.
      if (direct) this.deliver(projectId, direct);
      return;
    }
    this.enqueue(projectId, async () => {
      if (direct) this.deliver(projectId, direct);
      const at = { seq: event.id, session_id: event.session_id, ts: event.ts };
      if (change !== null && this.byProject.has(projectId)) {
        for (const e of await planChangeEnvelopes(this.deps.stores, projectId, change, at)) {
          this.deliver(projectId, e, "project");
        }
      }
      if (summary) {
        // The project's page learns of its own status changes (buttons, banners) from the same view.
        const view = await projectUpdated(this.deps.stores, projectId, at);
        this.deliver(projectId, view, event.type === "project_changed" ? undefined : "global");
      }
    });
  }

  private enqueue(projectId: number, work: () => Promise<void>): void {
    const queue = this.queues.get(projectId) ?? { tail: Promise.resolve(), pending: 0 };
    queue.pending++;
    queue.tail = queue.tail
      .then(work)
      .catch((error: unknown) =>
        this.deps.log.warn({ err: error, project_id: projectId }, "ws event not sent"),
      )
      .finally(() => {
        if (--queue.pending === 0) this.queues.delete(projectId);
      });
    this.queues.set(projectId, queue);
  }

  /**
   * Hands an envelope to the project's sockets and, for the envelopes every page's project list
   * follows (GLOBAL_ENVELOPES), to the global ones.
   */
  private deliver(projectId: number, message: Envelope, only?: "project" | "global"): void {
    const data = JSON.stringify(message);
    if (only !== "global") {
      for (const client of this.byProject.get(projectId) ?? []) this.offer(client, message.seq, data);
    }
    const toGlobal = only === "global" || (only === undefined && GLOBAL_ENVELOPES.has(message.type));
    if (toGlobal) for (const client of this.global) this.offer(client, message.seq, data);
  }

  private offer(client: WsClient, seq: number, data: string): void {
    if (client.held === null) {
      if (seq > client.floor) this.write(client, data);
      return;
    }
    client.held.push({ seq, data });
    if (client.held.length > this.options.maxHeldEnvelopes) {
      this.drop(client, "too slow: too many events arrived while catching up");
    }
  }

  /** Sends without waiting; drops the client when too much is already waiting for it. */
  private write(client: WsClient, data: string): boolean {
    const { socket } = client;
    if (socket.readyState !== WebSocket.OPEN) return false;
    if (socket.bufferedAmount > this.options.maxBufferedBytes) {
      this.drop(client, `too slow: over ${this.options.maxBufferedBytes} bytes waiting to be sent`);
      return false;
    }
    socket.send(data);
    return true;
  }

  private drop(client: WsClient, reason: string): void {
    this.remove(client);
    this.deps.log.info({ project_id: client.projectId, reason }, "ws client dropped");
    client.socket.close(CLOSE_TOO_SLOW, reason);
    // The close frame waits behind everything buffered; do not keep the buffer for long.
    setTimeout(() => client.socket.terminate(), this.options.closeGraceMs).unref();
  }

  private ping(): void {
    for (const client of [...this.clients()]) {
      if (!client.alive) {
        this.remove(client);
        client.socket.terminate();
        continue;
      }
      client.alive = false;
      if (client.socket.readyState === WebSocket.OPEN) client.socket.ping();
    }
  }
}
