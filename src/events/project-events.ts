import type { SessionStore } from "../db/stores/session-store.ts";
import type { EventBus } from "./bus.ts";
import { type BatonEvent, EVENT_PAYLOADS, type EventPayload, type ProjectEventType } from "./catalog.ts";

/** Records a project-level event: stored (committed), then published. */
export async function recordProjectEvent<T extends ProjectEventType>(
  deps: { sessions: SessionStore; bus: EventBus },
  projectId: number,
  type: T,
  payload: EventPayload<T>,
): Promise<BatonEvent<T>> {
  const checked = EVENT_PAYLOADS[type].parse(payload) as EventPayload<T>;
  const stored = await deps.sessions.appendProjectEvent(projectId, { type, payload: checked });
  const event = { ...stored, type, payload: checked } as BatonEvent<T>;
  deps.bus.publish(event);
  return event;
}
