/**
 * What the orchestrator says about a project as a run goes: its status (and pause) on the project
 * row, and the project-level events that tell watchers (stored, then published).
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Clock } from "../db/clock.ts";
import type { Stores } from "../db/stores/index.ts";
import type { EventBus } from "../events/bus.ts";
import type { EventPayload, ProjectEventType } from "../events/catalog.ts";
import { recordProjectEvent } from "../events/project-events.ts";
import type { ProjectStatus } from "../projects/model.ts";
import { formatDuration } from "../util/duration.ts";

export class ProjectState {
  constructor(private readonly deps: { stores: Stores; bus: EventBus }) {}

  async setStatus(projectId: number, status: ProjectStatus): Promise<void> {
    await this.deps.stores.projects.update(projectId, {
      status,
      ...(status === "paused" ? {} : { paused_until: null }),
    });
  }

  async event<T extends ProjectEventType>(
    projectId: number,
    type: T,
    payload: EventPayload<T>,
  ): Promise<void> {
    await recordProjectEvent(
      { sessions: this.deps.stores.sessions, bus: this.deps.bus },
      projectId,
      type,
      payload,
    );
  }

  /** Paused on a rate limit until `until`. */
  async paused(projectId: number, until: Date, reason: string): Promise<void> {
    await this.deps.stores.projects.update(projectId, {
      status: "paused",
      paused_until: until.toISOString(),
    });
    await this.event(projectId, "paused", { until: until.toISOString(), reason });
  }

  async resumed(projectId: number, reason: string): Promise<void> {
    await this.deps.stores.projects.update(projectId, { status: "running", paused_until: null });
    await this.event(projectId, "resumed", { reason });
  }

  /** Paused until `until` (a rate limit), saying so, then resumed — unless `signal` stops it first. */
  async pauseUntil(
    projectId: number,
    until: Date,
    reason: string,
    signal: AbortSignal,
    clock: Clock,
  ): Promise<void> {
    await this.paused(projectId, until, reason);
    const wait = until.getTime() - clock().getTime();
    if (await waitUnlessStopped(wait, signal))
      await this.resumed(projectId, `the wait of ${formatDuration(Math.max(0, wait))} is over`);
  }
}

/** Sleeps unless `signal` aborts first; true when the full time passed. */
export async function waitUnlessStopped(ms: number, signal: AbortSignal): Promise<boolean> {
  if (ms <= 0) return !signal.aborted;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
