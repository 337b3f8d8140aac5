/**
 * Layered configuration: CLI flags > environment > `<home>/config.yaml` > defaults, merged leaf by
 * leaf, with the origin of every value; then `baton.yaml` (in the project or the working
 * directory), which may only tighten (tighten.ts): sessions can write it. Nothing here reads
 * process.env or process.cwd(): the caller passes them in.
 */
import os from "node:os";
import path from "node:path";
import { type BatonError, fail } from "../errors.ts";
import { Config, defaultFlagName, findLeaf, LEAVES, type LeafPath, leafValue } from "./schema.ts";
import {
  envLayers,
  fileLayer,
  flagLayers,
  hidePassword,
  type Layer,
  type Origin,
  type Problem,
  showValue,
} from "./sources.ts";
import { TIGHTENING_KEYS, tighten } from "./tighten.ts";

export type { Origin } from "./sources.ts";

export const PROJECT_FILE = "baton.yaml";
export const USER_FILE = "config.yaml";

export interface LoadConfigOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** Where `baton.yaml` is looked up; defaults to cwd. */
  projectDir?: string;
  /** `--config FILE`: read only this file instead of both `baton.yaml` and `<home>/config.yaml`. */
  configFile?: string;
  /** Values from CLI flags; undefined means the flag was not given. */
  flags?: Partial<Record<LeafPath, unknown>>;
  /** The flag that set each leaf, for origins and errors; defaults to `--section-key`. */
  flagNames?: Partial<Record<LeafPath, string>>;
  /** The user's home directory (default os.homedir()); the Baton home is `<homedir>/.baton`. */
  homedir?: string;
}

export interface LoadedConfig {
  config: Config;
  origins: Record<LeafPath, Origin>;
  /** Absolute paths of the files actually read, highest precedence first. */
  files: string[];
  /** What was ignored, one line each (a `baton.yaml` that tried to loosen a setting). */
  warnings: string[];
  /** The Baton home: `BATON_HOME` or `~/.baton`. Holds config.yaml and the embedded database. */
  home: string;
}

/** The Baton home: env BATON_HOME (resolved against cwd) or `<homedir>/.baton`. */
export function batonHome(options: Pick<LoadConfigOptions, "cwd" | "env" | "homedir">): string {
  const fromEnv = options.env.BATON_HOME?.trim();
  if (fromEnv) return path.resolve(options.cwd, fromEnv);
  return path.join(options.homedir ?? os.homedir(), ".baton");
}

export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const { cwd } = options;
  const home = batonHome(options);

  const required = options.configFile !== undefined;
  // Trusted files: the one named by --config, else the user file. baton.yaml may only tighten.
  const trusted = required ? path.resolve(cwd, options.configFile ?? "") : path.join(home, USER_FILE);
  const trustedLayer = fileLayer(trusted, cwd, required);
  const projectFile = path.resolve(cwd, options.projectDir ?? ".", PROJECT_FILE);
  const projectLayer = required ? undefined : fileLayer(projectFile, cwd, false);

  const files = [trustedLayer, projectLayer].filter((l): l is Layer => l !== undefined);
  // Highest precedence first.
  const layers = [
    ...flagLayers(options.flags ?? {}, options.flagNames ?? {}, defaultFlagName),
    ...envLayers(options.env),
    ...(trustedLayer ? [trustedLayer] : []),
  ];

  // Each layer is checked on its own, so an error names where the bad value came from.
  // Problems are listed in reading order: files, then environment, then flags.
  const problems = [...files, ...layers.filter((l) => l !== trustedLayer).reverse()].flatMap(validateLayer);
  if (problems.length > 0) throw configInvalid(problems);

  const raw: Record<string, Record<string, unknown>> = {};
  const origins: Partial<Record<LeafPath, Origin>> = {};
  for (const leaf of LEAVES) {
    const winner = layers.find((layer) => layer.values.has(leaf.path));
    origins[leaf.path] = winner?.origin ?? { kind: "default" };
    if (winner) {
      const section = raw[leaf.section] ?? {};
      section[leaf.key] = winner.values.get(leaf.path);
      raw[leaf.section] = section;
    }
  }
  const config = Config.parse(raw);
  const warnings = projectLayer ? tightenWith(projectLayer, config, origins) : [];

  return {
    config,
    origins: origins as Record<LeafPath, Origin>, // every leaf was assigned above
    files: [...(projectLayer ? [projectFile] : []), ...(trustedLayer ? [trusted] : [])],
    home,
    warnings,
  };
}

/**
 * Applies what a `baton.yaml` sets, key by key, where it tightens the config; returns a warning
 * for each value it may not set or that would loosen one.
 */
function tightenWith(layer: Layer, config: Config, origins: Partial<Record<LeafPath, Origin>>): string[] {
  const warnings: string[] = [];
  for (const [path, proposed] of layer.values) {
    const leaf = findLeaf(path);
    if (leaf === undefined) continue;
    const parsed = leaf.schema.parse(proposed);
    const current = leafValue(config, path);
    const result = tighten(path, current, parsed);
    if (!result.ok) {
      warnings.push(
        `${layer.where}: ${path} ignored: ${result.why}; a baton.yaml may only make Baton stricter (${TIGHTENING_KEYS.join(", ")}) because sessions can write it; set ${path} in ~/.baton/config.yaml, the environment, a flag or the project's settings`,
      );
      continue;
    }
    if (result.note) warnings.push(`${layer.where}: ${path}: ${result.note}`);
    if (JSON.stringify(result.value) === JSON.stringify(current)) continue;
    const values: Record<string, unknown> = config[leaf.section];
    values[leaf.key] = result.value;
    origins[path] = layer.origin;
  }
  return warnings;
}

function validateLayer(layer: Layer): Problem[] {
  const problems = [...layer.problems];
  for (const leaf of LEAVES) {
    if (!layer.values.has(leaf.path)) continue;
    const value = layer.values.get(leaf.path);
    if (leaf.schema.safeParse(value).success) continue;
    problems.push({
      message: `${layer.where}: ${leaf.path}: expected ${leaf.info.expected}, got ${showValue(value)}`,
      source: layer.where,
      key: leaf.path,
      value: hidePassword(value),
    });
  }
  return problems;
}

/** One line per problem; data describes the first and lists them all. */
function configInvalid(problems: Problem[]): BatonError {
  const [first] = problems;
  return fail("BATON_CONFIG_INVALID", {
    reason: problems.map((p) => p.message).join("\n"),
    source: first?.source,
    key: first?.key,
    value: first?.value,
    problems: problems.map(({ source, key, value }) => ({ source, key, value })),
  });
}
