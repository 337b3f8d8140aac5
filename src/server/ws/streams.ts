/**
 * What a new connection receives before live events: a snapshot, and on a reconnect with
 * `since` every streamed event after it, read from the database. Live events that arrive
 * meanwhile are held by the hub and sent afterwards, minus those already sent: none is lost or
 * sent twice across the switch.
 */
import type { Stores } from "../../db/stores/index.ts";
import type { BatonEvent } from "../../events/catalog.ts";
import { envelope } from "./envelope.ts";
import type { WsClient, WsHub } from "./hub.ts";
import {
  asBatonEvent,
  PLAN_EVENT_TYPES,
  type PlanChange,
  planChangeOf,
  REPLAYED_EVENT_TYPES,
  toEnvelope,
} from "./map-event.ts";
import { latestEnvelopes, planChangeEnvelopes, readProjectView, readProjectViews } from "./views.ts";

/** Events read from the database per query while replaying. */
export const REPLAY_PAGE = 500;

/** A project stream: snapshot (with the newest events unless `since` is given), replay, then live. */
export async function openProjectStream(
  deps: { stores: Stores; hub: WsHub },
  client: WsClient,
  projectId: number,
  since: number | null,
): Promise<void> {
  const { stores, hub } = deps;
  if (since === null) {
    // Events first, then the summary: the summary is at least as new as the events it follows.
    const latest = await latestEnvelopes(stores, projectId);
    const project = await readProjectView(stores, projectId);
    const snapshot = envelope(
      "snapshot",
      { project_id: projectId, seq: latest.seq },
      { scope: "project", project, events: latest.events },
    );
    if (hub.send(client, snapshot)) hub.release(client, latest.seq);
    return;
  }
  const project = await readProjectView(stores, projectId);
  const snapshot = envelope(
    "snapshot",
    { project_id: projectId, seq: since },
    { scope: "project", project, events: [] },
  );
  if (!hub.send(client, snapshot)) return;
  const changes = new PlanChanges();
  // The client may have gone before the messages derived from its last event: count that one in.
  const [edge] = await stores.sessions.listProjectEventsOfTypes(projectId, PLAN_EVENT_TYPES, {
    afterId: since - 1,
    limit: 1,
  });
  if (edge?.id === since) changes.add(asBatonEvent(edge));
  let last = since;
  for (;;) {
    const page = await stores.sessions.listProjectEventsOfTypes(projectId, REPLAYED_EVENT_TYPES, {
      afterId: last,
      limit: REPLAY_PAGE,
    });
    for (const row of page) {
      last = row.id;
      const event = asBatonEvent(row);
      const message = event && toEnvelope(event);
      if (message && !hub.send(client, message)) return;
      changes.add(event);
      if (hub.behind(client) && !(await hub.drained(client))) return;
    }
    if (page.length < REPLAY_PAGE) break;
  }
  if (changes.latest) {
    // Tasks and tests changed while the client was away: each as it is now, once, and the progress.
    const at = { ...changes.latest, seq: last };
    for (const message of await planChangeEnvelopes(stores, projectId, changes.all, at)) {
      if (!hub.send(client, message)) return;
    }
  }
  hub.release(client, last);
}

/** The plan changes of a run of events, merged. */
class PlanChanges {
  readonly all: PlanChange = { taskIds: [], testIds: [] };
  /** The newest event that changed the plan. */
  latest: { session_id: number | null; ts: string } | null = null;

  add(event: BatonEvent | null): void {
    const change = event && planChangeOf(event);
    if (!event || !change) return;
    this.all.taskIds.push(...change.taskIds);
    this.all.testIds.push(...change.testIds);
    this.latest = { session_id: event.session_id, ts: event.ts };
  }
}

/** The global stream: every project's summary, then live session starts and ends and project updates. */
export async function openGlobalStream(
  deps: { stores: Stores; hub: WsHub },
  client: WsClient,
): Promise<void> {
  const { stores, hub } = deps;
  // The id first: anything after it is held and sent live, and the summaries are at least that new.
  const seq = await stores.sessions.lastEventId();
  const projects = await readProjectViews(stores);
  if (hub.send(client, envelope("snapshot", { project_id: null, seq }, { scope: "global", projects }))) {
    hub.release(client, seq);
  }
}
