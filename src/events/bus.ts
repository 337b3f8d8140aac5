import type { BatonEvent } from "./catalog.ts";

export type EventListener = (event: BatonEvent) => void;

/**
 * In-process fan-out of events that have been committed to the database. Publishers call
 * `publish` only after the write commits; a listener that throws is isolated from the others.
 */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: BatonEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken subscriber must not stop the session or the other subscribers.
      }
    }
  }
}
