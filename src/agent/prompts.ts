import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isUniqueViolation } from "../db/sql-errors.ts";
import type { PromptStore } from "../db/stores/prompt-store.ts";
import type { Project } from "../projects/model.ts";
import { SPEC_DIR } from "../projects/spec.ts";
import type { PromptName, PromptVersion } from "../review/model.ts";
import type { Session } from "../sessions/model.ts";

/** Where the built-in prompt templates live (`prompts/` at the repository root). */
export const PROMPTS_DIR = join(import.meta.dirname, "..", "..", "prompts");

export function readBuiltinPrompt(name: PromptName | "system"): string {
  return readFileSync(join(PROMPTS_DIR, `${name}.md`), "utf8");
}

/**
 * The version of a prompt sessions use now. On first use the built-in template is stored as
 * version 1 and activated. When the built-in file changes and the active version is still a
 * built-in one, the new text becomes a new active version; a version applied from a proposal or
 * activated by a person is never replaced silently.
 */
export async function activePrompt(prompts: PromptStore, name: PromptName): Promise<PromptVersion> {
  const builtin = readBuiltinPrompt(name);
  const active = await prompts.active(name);
  if (active) {
    const newest = Math.max(...(await prompts.listVersions(name)).map((v) => v.version));
    const chosenByPerson = active.source !== "builtin" || active.version !== newest;
    if (chosenByPerson || active.sha256 === sha256(builtin)) return active;
  }
  try {
    return await prompts.activateBuiltin(name, builtin);
  } catch (error) {
    // Another process stored the same version number at the same moment (two workers starting
    // sessions at once on a new database): the version it stored is the one.
    if (!isUniqueViolation(error)) throw error;
    return activePrompt(prompts, name);
  }
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Fills `{{name}}` placeholders; a placeholder without a value is a bug, so it throws. */
export function renderPrompt(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`prompt placeholder {{${key}}} has no value`);
    return String(value);
  });
}

/** The values a session's prompt is rendered with. */
export function promptValues(project: Project, session: Session): Record<string, string | number> {
  const specFiles = project.spec_path ? listSpecFiles(project.directory) : [];
  return {
    project_name: project.name,
    session_number: session.number,
    spec_location: `${SPEC_DIR}/`,
    spec_files: specFiles.length > 0 ? specFiles.join(", ") : "no files",
  };
}

/** The names in the project's spec folder: only when it is a real folder (a session may have replaced it with a link). */
function listSpecFiles(dir: string): string[] {
  const spec = join(dir, SPEC_DIR);
  try {
    return lstatSync(spec).isDirectory() ? readdirSync(spec).sort() : [];
  } catch {
    return [];
  }
}
