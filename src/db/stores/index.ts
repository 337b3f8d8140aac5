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
}

export function createStores(db: Db, clock: Clock = systemClock): Stores {
  const deps = { db, clock };
  return {
    projects: new ProjectStore(deps),
    plan: new PlanStore(deps),
    sessions: new SessionStore(deps),
    quality: new QualityStore(deps),
    prompts: new PromptStore(deps),
  };
}
