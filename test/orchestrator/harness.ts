import { withoutCredentials } from "../../src/agent/credentials.ts";
import { type Config, Config as ConfigSchema } from "../../src/config/schema.ts";
import { createStores, type Stores } from "../../src/db/stores/index.ts";
import type { BatonEvent } from "../../src/events/catalog.ts";
import { Orchestrator } from "../../src/orchestrator/orchestrator.ts";
import type { Project } from "../../src/projects/model.ts";
import type { ScriptedModel } from "../../src/scripted-model/index.ts";
import type { TestDatabase } from "../helpers/databases.ts";
import { testLog } from "../helpers/log.ts";
import { newProject } from "../helpers/projects.ts";

export const SPEC = "# Notes\n\n## Notes\n- Add note\n- List notes\n\n## Search\n- Find note\n";

/** A fast config for tests: no delay between sessions. */
export function testConfig(overrides: Partial<{ [K in keyof Config]: Partial<Config[K]> }> = {}): Config {
  return ConfigSchema.parse({ timing: { auto_continue_delay_s: 0, ...overrides.timing }, ...overrides });
}

export interface Harness {
  /** Stores on the system clock, like the orchestrator's (it compares times with heartbeats). */
  stores: Stores;
  /** Baton's data directory of this orchestrator. */
  home: string;
  project: Project;
  orchestrator: Orchestrator;
  events: BatonEvent[];
}

/** A project from SPEC and an orchestrator whose sessions talk to the scripted model. */
export async function harness(
  t: TestDatabase,
  model: ScriptedModel,
  config = testConfig(),
  budget?: number,
  name = "notes",
): Promise<Harness> {
  const stores = createStores(t.database.db);
  const { project, world: w } = await newProject(stores, {
    name,
    spec: SPEC,
    ...(budget === undefined ? {} : { budget_usd: budget }),
  });
  const bus = stores.bus;
  const events: BatonEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const orchestrator = new Orchestrator({
    stores,
    bus,
    config,
    env: { ...withoutCredentials(process.env), ...model.env() },
    workerId: "test",
    log: testLog(),
    browser: null,
    batonHome: w.home,
  });
  return { stores, home: w.home, project, orchestrator, events };
}
