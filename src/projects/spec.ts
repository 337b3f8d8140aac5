import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { type BatonError, fail } from "../errors.ts";

export const SPEC_EXTENSIONS = [".md", ".txt"] as const;
export const SPEC_MAX_BYTES = 2_000_000;
/** Where a project keeps its copy of the spec, relative to the project directory. */
export const SPEC_DIR = "spec";

export interface Spec {
  /** The file or folder it was read from. */
  source: string;
  files: { name: string; path: string; bytes: number }[];
  /** sha256 over every file's name and content, in name order: changes when any of them does. */
  sha256: string;
}

/** Reads a spec: one .md/.txt file, or every .md/.txt file of a folder (not recursive). */
export function readSpec(source: string): Spec {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(source);
  } catch {
    throw specError(
      `the spec ${source} does not exist; give a .md or .txt file, or a folder of them`,
      source,
    );
  }
  const paths = stat.isDirectory()
    ? readdirSync(source)
        .filter((n) => (SPEC_EXTENSIONS as readonly string[]).includes(extname(n).toLowerCase()))
        .sort()
        .map((n) => join(source, n))
    : [source];
  if (stat.isDirectory() && paths.length === 0) {
    throw specError(`the spec folder ${source} has no .md or .txt files`, source);
  }
  if (
    !stat.isDirectory() &&
    !(SPEC_EXTENSIONS as readonly string[]).includes(extname(source).toLowerCase())
  ) {
    throw specError(`the spec ${source} is not a .md or .txt file`, source);
  }
  const hash = createHash("sha256");
  const files = paths.map((path) => {
    const content = readFileSync(path);
    hash
      .update(`${basename(path)}\0`)
      .update(content)
      .update("\0");
    return { name: basename(path), path, bytes: content.length };
  });
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  if (total === 0) throw specError(`the spec ${source} is empty`, source);
  if (total > SPEC_MAX_BYTES) {
    throw specError(`the spec ${source} is ${total} bytes; the limit is ${SPEC_MAX_BYTES} bytes`, source);
  }
  return { source, files, sha256: hash.digest("hex") };
}

/** Copies the spec's files into `<projectDir>/spec/` so the project carries its own spec. */
export function copySpec(spec: Spec, projectDir: string): string[] {
  const dir = join(projectDir, SPEC_DIR);
  mkdirSync(dir, { recursive: true });
  return spec.files.map((f) => {
    copyFileSync(f.path, join(dir, f.name));
    return `${SPEC_DIR}/${f.name}`;
  });
}

function specError(message: string, source: string): BatonError {
  return fail("BATON_SPEC_INVALID", { spec: source, reason: message });
}
