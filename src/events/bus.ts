import type { BatonEvent } from "./catalog.ts";

export type EventListener = (event: BatonEvent) => void;

/** How many recent event ids the bus remembers to deliver each event once. */
const REMEMBERED_IDS = 10_000;

/**
 * In-process fan-out of events that have been committed to the database. An event reaches the
 * bus twice in a process that both wrote it (published after commit) and follows the event feed
 * (which reads every process's events); it is delivered once, by id. A listener that throws is
 * isolated from the others.
 */
export class EventBus {
  private readonly listeners = new Set<EventListener>();
  /** Ids delivered lately, oldest first (a Set keeps insertion order). */
  private readonly delivered = new Set<number>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: BatonEvent): void {
    if (this.delivered.has(event.id)) return;
    this.delivered.add(event.id);
    if (this.delivered.size > REMEMBERED_IDS) {
      const oldest = this.delivered.values().next().value;
      if (oldest !== undefined) this.delivered.delete(oldest);
    }
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken subscriber must not stop the session or the other subscribers.
      }
    }
  }
}
