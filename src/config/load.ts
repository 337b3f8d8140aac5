/**
 * Layered configuration: CLI flags > environment > project `baton.yaml` > `<home>/config.yaml` >
 * defaults, merged leaf by leaf, with the origin of every value. Nothing here reads process.env
 * or process.cwd(): the caller passes them in.
 */
import os from "node:os";
import path from "node:path";
import { BatonError } from "../errors.ts";
import { Config, defaultFlagName, LEAVES, type LeafPath } from "./schema.ts";
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
  const candidates = required
    ? [path.resolve(cwd, options.configFile ?? "")]
    : [path.resolve(cwd, options.projectDir ?? ".", PROJECT_FILE), path.join(home, USER_FILE)];
  const files: string[] = [];
  const fileLayers: Layer[] = [];
  for (const file of candidates) {
    const layer = fileLayer(file, cwd, required);
    if (layer === undefined) continue;
    files.push(file);
    fileLayers.push(layer);
  }

  // Highest precedence first.
  const layers = [
    ...flagLayers(options.flags ?? {}, options.flagNames ?? {}, defaultFlagName),
    ...envLayers(options.env),
    ...fileLayers,
  ];

  // Each layer is checked on its own, so an error names where the bad value came from.
  // Problems are listed in reading order: files, then environment, then flags.
  const problems = [...layers].reverse().flatMap(validateLayer);
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

  return {
    config: Config.parse(raw),
    origins: origins as Record<LeafPath, Origin>, // every leaf was assigned above
    files,
    home,
  };
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
  return new BatonError("BATON_CONFIG_INVALID", problems.map((p) => p.message).join("\n"), {
    source: first?.source,
    key: first?.key,
    value: first?.value,
    problems: problems.map(({ source, key, value }) => ({ source, key, value })),
  });
}
