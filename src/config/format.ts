/** Renders a loaded config for `baton config`: every leaf with its origin, secrets masked. */
import path from "node:path";
import { assertNever } from "../util/assert-never.ts";
import { maskUrl } from "../util/mask.ts";
import type { LoadedConfig, Origin } from "./load.ts";
import { LEAVES, type Leaf, leafValue } from "./schema.ts";

export interface DisplayPaths {
  cwd: string;
  /** The user's home directory, shown as `~`. */
  homedir: string;
}

/** Relative to cwd when inside it, `~/…` when inside the user's home, else absolute. */
export function displayPath(file: string, { cwd, homedir }: DisplayPaths): string {
  const inside = (dir: string) => {
    const relative = path.relative(dir, file);
    return !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : undefined;
  };
  const fromCwd = inside(cwd);
  if (fromCwd !== undefined && fromCwd !== "") return fromCwd;
  const fromHome = inside(homedir);
  if (fromHome !== undefined) return fromHome === "" ? "~" : `~/${fromHome}`;
  return file;
}

export function describeOrigin(origin: Origin, paths: DisplayPaths): string {
  switch (origin.kind) {
    case "default":
      return "default";
    case "file":
      return displayPath(origin.path, paths);
    case "env":
      return `env ${origin.name}`;
    case "flag":
      return `flag ${origin.name}`;
    default:
      return assertNever(origin, "config origin");
  }
}

/** The value as it may be shown: secrets are masked. */
function shownValue(leaf: Leaf, value: unknown): unknown {
  return leaf.info.secret && typeof value === "string" ? maskUrl(value) : value;
}

/** The config with secrets masked, shaped like Config. */
export function maskedConfig(loaded: LoadedConfig): Record<string, Record<string, unknown>> {
  const config: Record<string, Record<string, unknown>> = {};
  for (const leaf of LEAVES) {
    const section = config[leaf.section] ?? {};
    section[leaf.key] = shownValue(leaf, leafValue(loaded.config, leaf.path));
    config[leaf.section] = section;
  }
  return config;
}

function renderValue(leaf: Leaf, value: unknown, loaded: LoadedConfig, paths: DisplayPaths): string {
  if (leaf.path === "database.url" && value === null) {
    return `(embedded SQLite in ${displayPath(loaded.home, paths)})`;
  }
  const shown = shownValue(leaf, value);
  return typeof shown === "string" ? shown : JSON.stringify(shown);
}

/** One aligned line per leaf (key, value, origin), then the files read and the Baton home. */
export function formatConfigText(loaded: LoadedConfig, paths: DisplayPaths): string {
  const rows = LEAVES.map((leaf) => [
    leaf.path,
    renderValue(leaf, leafValue(loaded.config, leaf.path), loaded, paths),
    describeOrigin(loaded.origins[leaf.path], paths),
  ]);
  const keyWidth = Math.max(...rows.map((r) => r[0]?.length ?? 0));
  const valueWidth = Math.max(...rows.map((r) => r[1]?.length ?? 0));
  const lines = rows.map(([key = "", value = "", origin = ""]) =>
    `${key.padEnd(keyWidth)}  ${value.padEnd(valueWidth)}  ${origin}`.trimEnd(),
  );
  const files = loaded.files.map((f) => displayPath(f, paths));
  lines.push("");
  lines.push(`files read: ${files.length > 0 ? files.join(", ") : "none"}`);
  lines.push(`baton home: ${displayPath(loaded.home, paths)}`);
  return `${lines.join("\n")}\n`;
}

/** `{ config, origins, files, home, warnings }` with the same masking as the text form. */
export function formatConfigJson(loaded: LoadedConfig): string {
  const { origins, files, home, warnings } = loaded;
  return `${JSON.stringify({ config: maskedConfig(loaded), origins, files, home, warnings }, null, 2)}\n`;
}
