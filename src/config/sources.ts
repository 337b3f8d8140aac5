/**
 * The sources of configuration values. Each one yields a layer: raw values per leaf plus the
 * problems found while reading it (unknown keys, invalid YAML). Values are checked against the
 * schema later, layer by layer, so every error names the file, variable or flag it came from.
 */
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { fail } from "../errors.ts";
import { maskUrl } from "../util/mask.ts";
import {
  envVarName,
  findLeaf,
  keysOfSection,
  LEAVES,
  type Leaf,
  type LeafPath,
  SECTION_NAMES,
  type SectionName,
} from "./schema.ts";

export type Origin =
  | { kind: "default" }
  | { kind: "file"; path: string }
  | { kind: "env"; name: string }
  | { kind: "flag"; name: string };

/** One source of values, highest precedence first in a list of layers. */
export interface Layer {
  origin: Origin;
  /** How errors name this source: `baton.yaml`, `environment variable X`, `flag --x`. */
  where: string;
  values: Map<LeafPath, unknown>;
  problems: Problem[];
}

export interface Problem {
  /** The whole line shown to the user. */
  message: string;
  source: string;
  key?: string;
  value?: unknown;
}

/** Relative to cwd when inside it, else absolute. */
export function pathForMessages(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
}

/** Errors never carry a URL's password, whichever key the value was under. */
export function hidePassword(value: unknown): unknown {
  return typeof value === "string" ? maskUrl(value) : value;
}

/** JSON of a value for "got …" (password hidden), cut short when long. */
export function showValue(value: unknown): string {
  const json = JSON.stringify(hidePassword(value)) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function emptyLayer(origin: Origin, where: string): Layer {
  return { origin, where, values: new Map(), problems: [] };
}

function readText(file: string, cwd: string, required: boolean): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !required) return undefined;
    const reason =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "it is a directory"
          : code === "EACCES"
            ? "permission denied"
            : error instanceof Error
              ? error.message
              : String(error);
    const where = pathForMessages(file, cwd);
    throw fail("BATON_CONFIG_FILE_UNREADABLE", { path: file, code: code ?? null, where, reason });
  }
}

/**
 * Reads one YAML config file. Returns undefined when an optional file does not exist; throws
 * BATON_CONFIG_FILE_UNREADABLE when a required one is missing or any file cannot be read.
 */
export function fileLayer(file: string, cwd: string, required: boolean): Layer | undefined {
  const text = readText(file, cwd, required);
  if (text === undefined) return undefined;
  const layer = emptyLayer({ kind: "file", path: file }, pathForMessages(file, cwd));
  const problem = (message: string, key?: string, value?: unknown) =>
    layer.problems.push({
      message: `${layer.where}: ${message}`,
      source: layer.where,
      key,
      value: hidePassword(value),
    });

  const doc = YAML.parseDocument(text);
  const yamlError = doc.errors[0];
  if (yamlError !== undefined) {
    const reason = (yamlError.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
    const pos = yamlError.linePos?.[0];
    problem(
      pos ? `invalid YAML at line ${pos.line}, column ${pos.col}: ${reason}` : `invalid YAML: ${reason}`,
    );
    return layer;
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    problem(`invalid YAML: ${error instanceof Error ? error.message : String(error)}`);
    return layer;
  }
  if (data === null || data === undefined) return layer; // an empty file, or only comments
  if (!isMapping(data)) {
    problem(
      `top level: expected a mapping of sections (${SECTION_NAMES.join(", ")}), got ${showValue(data)}`,
    );
    return layer;
  }
  for (const [sectionName, sectionValue] of Object.entries(data)) {
    if (!(SECTION_NAMES as readonly string[]).includes(sectionName)) {
      problem(`${sectionName}: unknown section (known sections: ${SECTION_NAMES.join(", ")})`, sectionName);
      continue;
    }
    const known = keysOfSection(sectionName as SectionName);
    if (sectionValue === null) continue; // `models:` with every key commented out
    if (!isMapping(sectionValue)) {
      problem(
        `${sectionName}: expected a mapping of ${known.join(", ")}, got ${showValue(sectionValue)}`,
        sectionName,
        sectionValue,
      );
      continue;
    }
    for (const [key, value] of Object.entries(sectionValue)) {
      const leaf = findLeaf(`${sectionName}.${key}`);
      if (leaf === undefined) {
        problem(
          `${sectionName}.${key}: unknown key (known keys in ${sectionName}: ${known.join(", ")})`,
          `${sectionName}.${key}`,
        );
        continue;
      }
      layer.values.set(leaf.path, value);
    }
  }
  return layer;
}

/**
 * Turns a string (environment variable or string flag) into a value for the leaf: numbers are
 * parsed (a non-number stays a string, so the error shows it), lists are comma-separated, mappings
 * are JSON (text that is not JSON stays a string, so the error shows it), and the
 * literal `null` is null where the leaf allows null.
 */
export function coerceString(leaf: Leaf, raw: string): unknown {
  const text = raw.trim();
  if (leaf.info.nullable && text === "null") return null;
  switch (leaf.info.kind) {
    case "number": {
      const n = Number(text);
      return text !== "" && Number.isFinite(n) ? n : text;
    }
    case "list":
      return text
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item !== "");
    case "json":
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    case "string":
      return text;
  }
}

/** One layer per environment variable that is set (an empty value counts as unset). */
export function envLayers(env: Record<string, string | undefined>): Layer[] {
  const layers: Layer[] = [];
  for (const leaf of LEAVES) {
    const name = envVarName(leaf);
    const raw = env[name];
    if (raw === undefined || raw.trim() === "") continue;
    const layer = emptyLayer({ kind: "env", name }, `environment variable ${name}`);
    layer.values.set(leaf.path, coerceString(leaf, raw));
    layers.push(layer);
  }
  return layers;
}

/** One layer per flag given (undefined = not given); string values are coerced like env values. */
export function flagLayers(
  flags: Partial<Record<LeafPath, unknown>>,
  flagNames: Partial<Record<LeafPath, string>>,
  defaultName: (path: LeafPath) => string,
): Layer[] {
  const layers: Layer[] = [];
  for (const [path, value] of Object.entries(flags)) {
    if (value === undefined) continue;
    const leaf = findLeaf(path);
    if (leaf === undefined) throw new Error(`loadConfig: flag for unknown config key ${path}`);
    const name = flagNames[leaf.path] ?? defaultName(leaf.path);
    const layer = emptyLayer({ kind: "flag", name }, `flag ${name}`);
    layer.values.set(leaf.path, typeof value === "string" ? coerceString(leaf, value) : value);
    layers.push(layer);
  }
  return layers;
}
