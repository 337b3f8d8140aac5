import { z } from "zod";

/** Where a finding was seen: one session of one project. */
export const SessionRef = z.object({
  session_id: z.number().int(),
  project_id: z.number().int(),
  project: z.string(),
  session_number: z.number().int(),
});
export type SessionRef = z.infer<typeof SessionRef>;

/** One thing a review said about one session: a quick-check deduction or a deep review's recommendation. */
export interface Finding {
  source: "quick_issue" | "recommendation";
  /** The rule (quick check) or theme (deep review) as written. */
  theme: string;
  text: string;
  /** Points deducted (quick-check issues, negative) or 0. */
  points: number;
  priority: "high" | "medium" | "low" | null;
  session: SessionRef;
}

/** Findings that share a normalised theme, with the sessions that show it. */
export const Theme = z.object({
  theme: z.string(),
  /** How many findings fell under it. */
  count: z.number().int(),
  quick_issues: z.number().int(),
  recommendations: z.number().int(),
  /** Sum of the quick-check points deducted (≤ 0). */
  points: z.number(),
  /** How many of its recommendations were high priority. */
  high_priority: z.number().int(),
  sessions: z.array(SessionRef),
  /** A few distinct example texts, most frequent first. */
  examples: z.array(z.string()),
});
export type Theme = z.infer<typeof Theme>;

export const MAX_EXAMPLES = 3;

/**
 * One spelling per theme: "Browser Verification", "browser-verification" and "no_browser " all
 * fold to lower snake case (`browser_verification`, `no_browser`).
 */
export function normalizeTheme(name: string): string {
  const folded = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return folded === "" ? "general" : folded;
}

/**
 * Groups findings by normalised theme. Themes are ordered by how many sessions show them, then
 * by points lost, then by name, so the most widespread problems come first.
 */
export function groupThemes(findings: readonly Finding[]): Theme[] {
  const groups = new Map<string, { findings: Finding[]; texts: Map<string, number> }>();
  for (const finding of findings) {
    const key = normalizeTheme(finding.theme);
    const group = groups.get(key) ?? { findings: [], texts: new Map<string, number>() };
    group.findings.push(finding);
    const text = finding.text.trim();
    if (text !== "") group.texts.set(text, (group.texts.get(text) ?? 0) + 1);
    groups.set(key, group);
  }
  const themes = [...groups].map(([theme, group]): Theme => {
    const sessions = new Map<number, SessionRef>();
    for (const f of group.findings) sessions.set(f.session.session_id, f.session);
    return {
      theme,
      count: group.findings.length,
      quick_issues: group.findings.filter((f) => f.source === "quick_issue").length,
      recommendations: group.findings.filter((f) => f.source === "recommendation").length,
      points: group.findings.reduce((sum, f) => sum + Math.min(0, f.points), 0),
      high_priority: group.findings.filter((f) => f.priority === "high").length,
      sessions: [...sessions.values()].sort((a, b) => a.session_id - b.session_id),
      examples: [...group.texts]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, MAX_EXAMPLES)
        .map(([text]) => text),
    };
  });
  return themes.sort(
    (a, b) => b.sessions.length - a.sessions.length || a.points - b.points || a.theme.localeCompare(b.theme),
  );
}
