/**
 * The event log: every change is a row of `session_events`, inserted by the write that made the
 * change, in its transaction, and published on the bus only after that transaction commits. Other
 * processes see the same rows through the event feed (events/feed.ts), so nothing a process
 * publishes lives only in its memory.
 */
import type { Selectable } from "kysely";
import type { EventBus } from "../../events/bus.ts";
import { type BatonEvent, EVENT_PAYLOADS, type EventPayload, type EventType } from "../../events/catalog.ts";
import type { SessionEvent } from "../../sessions/model.ts";
import { type Clock, isoNow } from "../clock.ts";
import type { Db } from "../database.ts";
import type { SessionEventsTable } from "../schema.ts";
import type { Executor } from "./plan-rows.ts";

/** What every store is built with. */
export interface StoreDeps {
  db: Db;
  clock: Clock;
  /** Where committed events are published in this process. */
  bus: EventBus;
}

/** Where an event belongs: a session (with its sequence number), a project, or neither. */
export interface EventPlace {
  project_id: number | null;
  session_id?: number | null;
  seq?: number | null;
}

export function toEvent(row: Selectable<SessionEventsTable>): SessionEvent {
  return { ...row, payload: JSON.parse(row.payload) as unknown };
}

/** Inserts one event row in the caller's transaction (payload already checked). */
export async function insertEvent(
  db: Executor,
  clock: Clock,
  place: EventPlace,
  event: { type: string; payload: unknown },
): Promise<SessionEvent> {
  const row = await db
    .insertInto("session_events")
    .values({
      session_id: place.session_id ?? null,
      project_id: place.project_id,
      seq: place.seq ?? null,
      ts: isoNow(clock),
      type: event.type,
      payload: JSON.stringify(event.payload ?? null),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toEvent(row);
}

/** Records one event of the catalog from inside a store's transaction. */
export type Emit = <T extends EventType>(
  place: EventPlace,
  type: T,
  payload: EventPayload<T>,
) => Promise<void>;

/**
 * Runs `work` in one transaction; the events it emits are stored with its writes and published
 * once it has committed (none when it rolls back).
 */
export async function withEvents<R>(
  deps: StoreDeps,
  work: (trx: Executor, emit: Emit) => Promise<R>,
): Promise<R> {
  const events: BatonEvent[] = [];
  const result = await deps.db.transaction().execute((trx) =>
    work(trx, async (place, type, payload) => {
      const checked = EVENT_PAYLOADS[type].parse(payload);
      const stored = await insertEvent(trx, deps.clock, place, { type, payload: checked });
      events.push({ ...stored, type, payload: checked } as BatonEvent);
    }),
  );
  for (const event of events) deps.bus.publish(event);
  return result;
}
