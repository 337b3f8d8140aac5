import type { SessionStore } from "../db/stores/session-store.ts";
import type { SessionLog } from "../logs/session-log.ts";
import type { EventBus } from "./bus.ts";
import { type BatonEvent, EVENT_PAYLOADS, type EventPayload, type EventType } from "./catalog.ts";

/**
 * Records one session's events in order: stored in the database (committed), then appended to
 * the session's log files, then published on the bus. Calls may be fired without awaiting; they
 * are applied one after another in the order they were made.
 */
export class SessionRecorder {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: { sessions: SessionStore; bus: EventBus },
    private readonly sessionId: number,
    private readonly log: SessionLog,
  ) {}

  record<T extends EventType>(type: T, payload: EventPayload<T>): Promise<BatonEvent<T>> {
    const checked = EVENT_PAYLOADS[type].parse(payload) as EventPayload<T>;
    const next = this.tail.then(async () => {
      const stored = await this.deps.sessions.appendEvent(this.sessionId, { type, payload: checked });
      const event = { ...stored, type, payload: checked } as BatonEvent<T>;
      this.log.write(event);
      this.deps.bus.publish(event);
      const failure = this.log.takeFailure();
      if (failure !== null) {
        // Said once, in the database and on the bus (the log itself is what failed).
        const payload = { kind: "log", message: failure };
        const said = await this.deps.sessions.appendEvent(this.sessionId, { type: "error", payload });
        this.deps.bus.publish({ ...said, type: "error", payload } as BatonEvent<"error">);
      }
      return event;
    });
    // A failed write must not block the events after it; the caller of that one sees the error.
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Resolves once every event recorded so far is stored, logged and published. */
  async flush(): Promise<void> {
    await this.tail;
  }
}
