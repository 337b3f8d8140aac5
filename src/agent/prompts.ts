import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { PromptStore } from "../db/stores/prompt-store.ts";
import type { PromptName, PromptVersion } from "../review/model.ts";

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
  return prompts.createVersion({ name, content: builtin, source: "builtin", activate: true });
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
