import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROMPTS_DIR } from "../agent/prompts.ts";
import type { PromptVersion } from "./model.ts";
import type { SessionRef, Theme } from "./themes.ts";

/** The first line of every analysis request: how the scripted model (and a log reader) knows one. */
export const ANALYSIS_REQUEST_TITLE = "# Prompt improvement analysis";

/** The most themes, and sessions per theme, an analysis request lists (the rest are counted). */
export const MAX_THEMES = 15;
export const MAX_SESSIONS_PER_THEME = 12;

export function analysisSystemPrompt(): string {
  return readFileSync(join(PROMPTS_DIR, "analysis.md"), "utf8");
}

/** How a session is named to the model; the `id` is what it cites as evidence. */
export function sessionLabel(s: SessionRef): string {
  return `id ${s.session_id} (${s.project} session ${s.session_number})`;
}

/** Where each prompt's current text starts and ends in the request. */
export function promptBlock(version: PromptVersion): string {
  return `<prompt name="${version.name}" version="${version.version}">\n${version.content}\n</prompt>`;
}

/** The user message of an analysis: the scope, the themes with their evidence, and the current prompts. */
export function analysisRequest(input: {
  sessions: number;
  projects: readonly string[];
  dateFrom: string | null;
  dateTo: string | null;
  themes: readonly Theme[];
  prompts: readonly PromptVersion[];
}): string {
  const range = `${input.dateFrom ?? "the start"} to ${input.dateTo ?? "now"}`;
  const shown = input.themes.slice(0, MAX_THEMES);
  const lines = [
    ANALYSIS_REQUEST_TITLE,
    "",
    `${input.sessions} reviewed sessions of ${input.projects.join(", ") || "no project"}, from ${range}.`,
    "",
    "## Themes (most widespread first)",
    "",
  ];
  for (const theme of shown) lines.push(...themeLines(theme), "");
  if (input.themes.length > shown.length) {
    lines.push(`(${input.themes.length - shown.length} smaller themes left out)`, "");
  }
  lines.push("## Current prompts", "");
  for (const prompt of input.prompts) lines.push(promptBlock(prompt), "");
  return lines.join("\n");
}

function themeLines(theme: Theme): string[] {
  const facts = [
    `${theme.sessions.length} sessions`,
    `${theme.count} findings`,
    theme.quick_issues > 0 ? `${theme.quick_issues} quick-check issues (${theme.points} points)` : null,
    theme.recommendations > 0
      ? `${theme.recommendations} review recommendations (${theme.high_priority} high priority)`
      : null,
  ].filter((f) => f !== null);
  const sessions = theme.sessions.slice(0, MAX_SESSIONS_PER_THEME).map(sessionLabel);
  const more = theme.sessions.length - sessions.length;
  return [
    `### ${theme.theme}: ${facts.join(", ")}`,
    `Sessions: ${sessions.join("; ")}${more > 0 ? `; and ${more} more` : ""}`,
    "Examples:",
    ...theme.examples.map((e) => `- ${e.replace(/\s+/g, " ")}`),
  ];
}
