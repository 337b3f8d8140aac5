/**
 * A project's own run settings (models, sandbox; kept in `settings`, read by the orchestrator
 * through runSettingsOf) and its budget, as the API shows and changes them. A null clears a
 * setting (the config's value applies again); settings keys Baton does not know are kept.
 */
import { z } from "zod";
import type { Config } from "../config/schema.ts";
import type { Stores } from "../db/stores/index.ts";
import { type Project, ProjectPatch, ProjectRunSettings, runSettingsOf } from "../projects/model.ts";

const run = ProjectRunSettings.shape;
const RUN_SETTING_KEYS = Object.keys(run) as (keyof ProjectRunSettings)[];

/** What may be changed; an absent field stays as it is, null clears it. */
export const SettingsChanges = z.strictObject({
  initializer_model: run.initializer_model.unwrap().nullable().optional(),
  coding_model: run.coding_model.unwrap().nullable().optional(),
  sandbox: run.sandbox.unwrap().nullable().optional(),
  max_sessions: run.max_sessions.unwrap().nullable().optional(),
  budget_usd: ProjectPatch.shape.budget_usd.unwrap().optional(),
});
export type SettingsChanges = z.infer<typeof SettingsChanges>;

/** The run settings a project sets itself; null: the config's value applies. */
export const RunSettingsView = z.object({
  initializer_model: z.string().nullable(),
  coding_model: z.string().nullable(),
  sandbox: run.sandbox.unwrap().nullable(),
  max_sessions: z.number().int().nullable().describe("coding sessions per run at most"),
});

export const SettingsView = RunSettingsView.extend({
  budget_usd: z.number().nullable(),
  /** What applies where the project sets nothing (the config). */
  defaults: z.object({
    initializer_model: z.string(),
    coding_model: z.string(),
    sandbox: run.sandbox.unwrap(),
    max_sessions: z.number().int().nullable().describe("project.max_iterations; null: no limit"),
  }),
});
export type SettingsView = z.infer<typeof SettingsView>;

export function runSettingsView(project: Project): z.infer<typeof RunSettingsView> {
  const s = runSettingsOf(project);
  return {
    initializer_model: s.initializer_model ?? null,
    coding_model: s.coding_model ?? null,
    sandbox: s.sandbox ?? null,
    max_sessions: s.max_sessions ?? null,
  };
}

export function settingsView(project: Project, config: Config): SettingsView {
  return {
    ...runSettingsView(project),
    budget_usd: project.budget_usd,
    defaults: {
      initializer_model: config.models.initializer,
      coding_model: config.models.coding,
      sandbox: config.sandbox.type,
      max_sessions: config.project.max_iterations,
    },
  };
}

/** The project's settings record with `changes` applied (unknown keys kept). */
export function settingsWith(settings: Project["settings"], changes: SettingsChanges): Project["settings"] {
  const next = { ...settings };
  for (const key of RUN_SETTING_KEYS) {
    const value = changes[key];
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  return next;
}

/** Applies the changes (validated by SettingsChanges) and returns the updated project. */
export async function changeSettings(
  stores: Stores,
  project: Project,
  changes: SettingsChanges,
): Promise<Project> {
  const touchesSettings = RUN_SETTING_KEYS.some((k) => changes[k] !== undefined);
  return stores.projects.update(project.id, {
    ...(touchesSettings ? { settings: settingsWith(project.settings, changes) } : {}),
    ...(changes.budget_usd === undefined ? {} : { budget_usd: changes.budget_usd }),
  });
}
