/**
 * The one resolution of a run's settings, for every way a run starts (the CLI, the API): what
 * the run itself was given (flags, a request's body) > the project's own settings > the
 * configuration. Each value says where it came from, for the run_started event and the CLI.
 */
import type { Config } from "../config/schema.ts";
import { type Project, runSettingsOf } from "../projects/model.ts";

export type SandboxType = Config["sandbox"]["type"];

/** What a run may be given for itself (each absent one falls through to the project, then the config). */
export interface RunOverrides {
  /** The model of every session of the run. */
  model?: string;
  initializerModel?: string;
  codingModel?: string;
  /** Coding sessions in this run at most; null: no limit. */
  maxIterations?: number | null;
}

export type SettingSource = "run" | "project" | "config";

export interface RunSettings {
  initializerModel: string;
  codingModel: string;
  maxIterations: number | null;
  sandbox: SandboxType;
  /** Where each value came from. */
  sources: Record<"initializerModel" | "codingModel" | "maxIterations" | "sandbox", SettingSource>;
}

function pick<T>(run: T | undefined, project: T | undefined, config: T): [T, SettingSource] {
  if (run !== undefined) return [run, "run"];
  if (project !== undefined) return [project, "project"];
  return [config, "config"];
}

export function resolveRunSettings(
  project: Pick<Project, "settings">,
  config: Config,
  overrides: RunOverrides = {},
): RunSettings {
  const own = runSettingsOf(project);
  const [initializerModel, initializerFrom] = pick(
    overrides.initializerModel ?? overrides.model,
    own.initializer_model,
    config.models.initializer,
  );
  const [codingModel, codingFrom] = pick(
    overrides.codingModel ?? overrides.model,
    own.coding_model,
    config.models.coding,
  );
  const [maxIterations, maxFrom] = pick<number | null>(
    overrides.maxIterations,
    own.max_sessions,
    config.project.max_iterations,
  );
  // A run cannot choose its own sandbox: only the project (through the API) and the config can.
  const [sandbox, sandboxFrom] = pick<SandboxType>(undefined, own.sandbox, config.sandbox.type);
  return {
    initializerModel,
    codingModel,
    maxIterations,
    sandbox,
    sources: {
      initializerModel: initializerFrom,
      codingModel: codingFrom,
      maxIterations: maxFrom,
      sandbox: sandboxFrom,
    },
  };
}
