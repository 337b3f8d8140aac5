/**
 * A project's environment files: `.env.example` (written by the initializer: what the app needs,
 * with comments) and `.env` (the values a person gives; git-ignored). Read as a list of
 * variables, `.env.example`'s overlaid with `.env`'s; `.env` rewritten in place, keeping its
 * comments, order and unknown lines.
 *
 * The format is the dotenv one, line by line: `NAME=value` (optionally `export NAME=value`),
 * values bare (an inline ` # comment` ends them), 'single-quoted' (literal) or "double-quoted"
 * (`\n`, `\"` and `\\` escapes); `#` lines are comments. Multi-line values are not supported.
 *
 * **Required** (documented rule): a variable of `.env.example` is required when its comment block
 * or inline comment has a line starting with the word `required` (e.g. `# required`,
 * `# Required: the Stripe key`), or when it has no default value (`NAME=` or `NAME=""`) and no
 * line starting with `optional`. A variable only in `.env` is never required.
 */
import { fail } from "../errors.ts";
import { readContainedFile, writeContainedFile } from "../util/host-files.ts";

export const ENV_FILE = ".env";
export const ENV_EXAMPLE_FILE = ".env.example";
/** A variable name as shells and dotenv accept it. */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** What a masked value shows: the same for every value, so not even its length leaks. */
export const MASKED_VALUE = "********";
/** Larger env files are refused rather than read (a project's .env is a few KB). */
export const ENV_FILE_MAX_BYTES = 1_000_000;

export interface EnvVariable {
  name: string;
  /** The value in `.env` (masked unless revealed); null when `.env` does not set it. */
  value: string | null;
  /** The comment lines just above it in `.env.example` (without `#`), or null. */
  comment: string | null;
  required: boolean;
  /** `.env` sets it (possibly to the empty string). */
  set: boolean;
  /** `.env.example` declares it. */
  in_example: boolean;
}

export interface ProjectEnv {
  variables: EnvVariable[];
  files: { example: boolean; env: boolean };
}

type EnvLine =
  | {
      kind: "assignment";
      raw: string;
      name: string;
      value: string;
      exported: boolean;
      inlineComment: string | null;
    }
  | { kind: "comment"; raw: string; text: string }
  | { kind: "blank"; raw: string }
  | { kind: "other"; raw: string };

const ASSIGNMENT = /^\s*(export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/;

/** Parses env file text line by line; lines it does not understand are kept as `other`. */
export function parseEnvText(text: string): EnvLine[] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  return lines.map((raw): EnvLine => {
    const trimmed = raw.trim();
    if (trimmed === "") return { kind: "blank", raw };
    if (trimmed.startsWith("#")) return { kind: "comment", raw, text: trimmed.replace(/^#+\s?/, "") };
    const match = ASSIGNMENT.exec(raw);
    if (!match) return { kind: "other", raw };
    const { value, comment } = parseValue(match[3] ?? "");
    return {
      kind: "assignment",
      raw,
      name: match[2] ?? "",
      value,
      exported: match[1] !== undefined,
      inlineComment: comment,
    };
  });
}

function parseValue(rest: string): { value: string; comment: string | null } {
  const text = rest.trim();
  const quote = text[0];
  if (quote === "'" || quote === '"') {
    let value = "";
    for (let i = 1; i < text.length; i++) {
      const c = text[i];
      if (c === quote) return { value, comment: commentAfter(text.slice(i + 1)) };
      if (quote === '"' && c === "\\" && i + 1 < text.length) {
        const next = text[++i];
        value += next === "n" ? "\n" : next === "r" ? "\r" : next === "t" ? "\t" : (next ?? "");
        continue;
      }
      value += c;
    }
    // No closing quote: taken as it is written, as dotenv does.
    return { value: text, comment: null };
  }
  const hash = text.search(/\s#/);
  if (hash === -1) return { value: text, comment: null };
  return {
    value: text.slice(0, hash).trimEnd(),
    comment: text
      .slice(hash)
      .trim()
      .replace(/^#+\s?/, ""),
  };
}

function commentAfter(text: string): string | null {
  const t = text.trim();
  return t.startsWith("#") ? t.replace(/^#+\s?/, "") : null;
}

/** How a value is written: bare when that is unambiguous, else single- or double-quoted. */
export function formatEnvValue(value: string): string {
  if (/^[A-Za-z0-9_./:@+,=%~-]*$/.test(value)) return value;
  if (!value.includes("'")) return `'${value}'`;
  return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

const startsWithWord = (word: string) => new RegExp(`^${word}\\b`, "i");
const REQUIRED_MARK = startsWithWord("required");
const OPTIONAL_MARK = startsWithWord("optional");

interface ExampleVariable {
  name: string;
  comment: string | null;
  required: boolean;
}

/** The variables `.env.example` declares, in order (the first of a repeated name counts). */
export function exampleVariables(text: string): ExampleVariable[] {
  const lines = parseEnvText(text);
  const seen = new Set<string>();
  const out: ExampleVariable[] = [];
  lines.forEach((line, i) => {
    if (line.kind !== "assignment" || seen.has(line.name)) return;
    seen.add(line.name);
    const block = commentBlockAbove(lines, i);
    const marks = line.inlineComment === null ? block : [...block, line.inlineComment];
    const required =
      marks.some((m) => REQUIRED_MARK.test(m)) ||
      (line.value === "" && !marks.some((m) => OPTIONAL_MARK.test(m)));
    out.push({ name: line.name, comment: block.length > 0 ? block.join("\n") : null, required });
  });
  return out;
}

/** The comment lines directly above line `i` (a blank line ends the block). */
function commentBlockAbove(lines: readonly EnvLine[], i: number): string[] {
  const block: string[] = [];
  for (let j = i - 1; j >= 0; j--) {
    const line = lines[j];
    if (line?.kind !== "comment") break;
    block.unshift(line.text);
  }
  return block;
}

/** The values `.env` sets, by name (the first of a repeated name wins, as dotenv reads it). */
export function envValues(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of parseEnvText(text)) {
    if (line.kind === "assignment" && !values.has(line.name)) values.set(line.name, line.value);
  }
  return values;
}

/** `.env.example`'s variables overlaid with `.env`'s, then those only `.env` sets, in file order. */
export function overlayEnv(
  exampleText: string | null,
  envText: string | null,
  options: { reveal: boolean },
): EnvVariable[] {
  const values = envValues(envText ?? "");
  const show = (v: string | undefined) =>
    v === undefined ? null : options.reveal || v === "" ? v : MASKED_VALUE;
  const declared = exampleVariables(exampleText ?? "");
  const names = new Set(declared.map((d) => d.name));
  return [
    ...declared.map((d) => ({
      name: d.name,
      value: show(values.get(d.name)),
      comment: d.comment,
      required: d.required,
      set: values.has(d.name),
      in_example: true,
    })),
    ...[...values.keys()]
      .filter((name) => !names.has(name))
      .map((name) => ({
        name,
        value: show(values.get(name)),
        comment: null,
        required: false,
        set: true,
        in_example: false,
      })),
  ];
}

/**
 * `.env` text with `values` applied: a name it sets is changed where it stands (every occurrence;
 * `export` kept), a null value removes the name's lines, a new name is added at the end. Comments,
 * blank lines and other variables stay as they were.
 */
export function updateEnvText(text: string, values: Readonly<Record<string, string | null>>): string {
  const lines = parseEnvText(text);
  const present = new Set<string>();
  const out: string[] = [];
  for (const line of lines) {
    if (line.kind !== "assignment" || !Object.hasOwn(values, line.name)) {
      out.push(line.raw);
      continue;
    }
    present.add(line.name);
    const value = values[line.name];
    if (value === null || value === undefined) continue;
    out.push(`${line.exported ? "export " : ""}${line.name}=${formatEnvValue(value)}`);
  }
  for (const [name, value] of Object.entries(values)) {
    if (!present.has(name) && value !== null) out.push(`${name}=${formatEnvValue(value)}`);
  }
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}

/** The project's env variables; a missing file counts as empty. */
export function readProjectEnv(directory: string, options: { reveal: boolean }): ProjectEnv {
  const example = readProjectFile(directory, ENV_EXAMPLE_FILE);
  const env = readProjectFile(directory, ENV_FILE);
  return {
    variables: overlayEnv(example, env, options),
    files: { example: example !== null, env: env !== null },
  };
}

/**
 * Applies `values` to the project's `.env` (see updateEnvText), written atomically: a temp file
 * beside it (readable by its owner only), then renamed over `.env` (a link there is replaced,
 * never written through).
 */
export function writeProjectEnv(directory: string, values: Readonly<Record<string, string | null>>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!ENV_NAME_PATTERN.test(name)) {
      throw fail("BATON_VALIDATION", {
        field: name,
        reason: `${name} is not a variable name (${ENV_NAME_PATTERN.source})`,
      });
    }
    if (value !== null && /[\r\n\0]/.test(value)) {
      throw fail("BATON_VALIDATION", {
        field: name,
        reason: `the value of ${name} has a line break; give it on one line`,
      });
    }
    if (value === MASKED_VALUE) {
      throw fail("BATON_VALIDATION", {
        field: name,
        reason: `the value of ${name} is the mask ${MASKED_VALUE}, not a value; send the real value, or leave ${name} out to keep it`,
      });
    }
  }
  const current = readProjectFile(directory, ENV_FILE) ?? "";
  writeContainedFile(directory, ENV_FILE, updateEnvText(current, values), 0o600);
}

/**
 * A regular file of the project's directory, or null when there is none (host-files.ts: no link
 * followed, nothing outside the project, no special file, at most ENV_FILE_MAX_BYTES).
 */
function readProjectFile(directory: string, name: string): string | null {
  return readContainedFile(directory, name, ENV_FILE_MAX_BYTES);
}
