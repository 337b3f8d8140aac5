import { EventBus } from "../../events/bus.ts";
import { type Clock, systemClock } from "../clock.ts";
import type { Db } from "../database.ts";
import { PlanStore } from "./plan-store.ts";
import { ProjectStore } from "./project-store.ts";
import { PromptStore } from "./prompt-store.ts";
import { QualityStore } from "./quality-store.ts";
import { SessionStore } from "./session-store.ts";

/** One store per aggregate; the only code in Baton that writes SQL. */
export interface Stores {
  projects: ProjectStore;
  plan: PlanStore;
  sessions: SessionStore;
  quality: QualityStore;
  prompts: PromptStore;
  /** Where the stores publish the events of their writes once committed. */
  bus: EventBus;
}

/**
 * The stores over one database. `bus` is where they publish the events of their writes once
 * committed: pass the process's bus wherever anything listens (the server, a run's output).
 */
export function createStores(db: Db, options: { clock?: Clock; bus?: EventBus } = {}): Stores {
  const deps = { db, clock: options.clock ?? systemClock, bus: options.bus ?? new EventBus() };
  return {
    projects: new ProjectStore(deps),
    plan: new PlanStore(deps),
    sessions: new SessionStore(deps),
    quality: new QualityStore(deps),
    prompts: new PromptStore(deps),
    bus: deps.bus,
  };
}
