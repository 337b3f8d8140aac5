/**
 * The reviews of a project's coding sessions, read for reports (`baton review`, the API): each
 * finished coding session with its quick check (made now when it has none) and its deep reviews,
 * and the figures drawn from them (rating trend, frequent issues, recommendation themes).
 */
import type { Stores } from "../db/stores/index.ts";
import { fail } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import { isTerminal, type Session } from "../sessions/model.ts";
import type { QualityCheck, Recommendation } from "./model.ts";
import { runQuickCheck } from "./quick-check.ts";
import type { RuleOverrides } from "./quick-rules.ts";
import { normalizeTheme } from "./themes.ts";

export interface ReviewEntry {
  session: Session;
  quick: QualityCheck | null;
  /** Oldest first. */
  deep: QualityCheck[];
}

/** Which sessions: one by number, the newest `lastN`, or (neither) every one. */
export interface ReviewSelection {
  session?: number;
  lastN?: number;
}

/**
 * The selected finished coding sessions, oldest first, each with its checks. A session without a
 * quick check gets one now (stored and announced), so older sessions can be reviewed too.
 */
export async function reviewEntries(
  deps: { stores: Stores; bus: EventBus; rules?: RuleOverrides },
  projectId: number,
  selection: ReviewSelection = {},
): Promise<ReviewEntry[]> {
  const { stores } = deps;
  let sessions: Session[];
  if (selection.session !== undefined) {
    const session = await stores.sessions.getByNumber(projectId, selection.session);
    if (session.type !== "coding" || !isTerminal(session.status)) {
      const what = session.type === "initializer" ? "the initializer" : `still ${session.status}`;
      throw fail("BATON_SESSION_NOT_REVIEWABLE", { session_id: session.id, session: session.number, what });
    }
    sessions = [session];
  } else {
    const all = (await stores.sessions.list(projectId, { type: "coding" })).filter((s) =>
      isTerminal(s.status),
    );
    sessions = (selection.lastN === undefined ? all : all.slice(0, selection.lastN)).reverse();
  }
  // One session's checks only when one is asked for (the API's per-session route).
  const checks =
    selection.session !== undefined && sessions[0]
      ? (await stores.quality.forSession(sessions[0].id)).reverse()
      : await stores.quality.forProject(projectId);
  const entries: ReviewEntry[] = [];
  for (const session of sessions) {
    const mine = checks.filter((c) => c.session_id === session.id).reverse();
    const quick =
      mine.filter((c) => c.kind === "quick").at(-1) ??
      (await runQuickCheck({ stores, bus: deps.bus, ...(deps.rules ? { rules: deps.rules } : {}) }, session));
    entries.push({ session, quick, deep: mine.filter((c) => c.kind === "deep") });
  }
  return entries;
}

/** The rating a session counts with: its newest deep review's, else its quick check's. */
export function sessionRating(entry: ReviewEntry): number | null {
  return entry.deep.findLast((c) => c.rating !== null)?.rating ?? entry.quick?.rating ?? null;
}

const mean = (values: readonly number[]) =>
  values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;

export interface RatingTrend {
  points: { session_number: number; quick: number | null; deep: number | null }[];
  average_quick: number | null;
  /** Averages of the older and the newer half of the sessions: is the work getting better? */
  older_half: number | null;
  newer_half: number | null;
  direction: "improving" | "declining" | "steady" | "unknown";
}

export function ratingTrend(entries: readonly ReviewEntry[]): RatingTrend {
  const points = entries.map((e) => ({
    session_number: e.session.number,
    quick: e.quick?.rating ?? null,
    deep: e.deep.findLast((c) => c.rating !== null)?.rating ?? null,
  }));
  const quick = points.flatMap((p) => (p.quick === null ? [] : [p.quick]));
  const half = Math.floor(quick.length / 2);
  const older = mean(quick.slice(0, half));
  const newer = mean(quick.slice(quick.length - half));
  const direction =
    older === null || newer === null
      ? "unknown"
      : newer - older >= 0.5
        ? "improving"
        : older - newer >= 0.5
          ? "declining"
          : "steady";
  return { points, average_quick: mean(quick), older_half: older, newer_half: newer, direction };
}

/** How often each quick-check rule fired, most frequent first, with the sessions it fired on. */
export function issueCounts(
  entries: readonly ReviewEntry[],
): { rule: string; count: number; sessions: number[] }[] {
  const byRule = new Map<string, number[]>();
  for (const e of entries) {
    for (const issue of e.quick?.issues ?? [])
      byRule.set(issue.rule, [...(byRule.get(issue.rule) ?? []), e.session.number]);
  }
  return [...byRule.entries()]
    .map(([rule, sessions]) => ({ rule, count: sessions.length, sessions }))
    .sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule));
}

const PRIORITY_ORDER = { high: 0, medium: 1, low: 2 } as const;

/** The deep reviews' recommendations grouped by theme, the most urgent and frequent first. */
export function recommendationThemes(
  entries: readonly ReviewEntry[],
): { theme: string; count: number; priority: Recommendation["priority"]; texts: string[] }[] {
  const byTheme = new Map<string, Recommendation[]>();
  for (const e of entries) {
    for (const check of e.deep) {
      for (const r of check.recommendations) {
        const theme = normalizeTheme(r.theme);
        byTheme.set(theme, [...(byTheme.get(theme) ?? []), r]);
      }
    }
  }
  return [...byTheme.entries()]
    .map(([theme, recs]) => ({
      theme,
      count: recs.length,
      priority: recs.map((r) => r.priority).sort((a, b) => PRIORITY_ORDER[a] - PRIORITY_ORDER[b])[0] ?? "low",
      texts: [...new Set(recs.map((r) => r.text))],
    }))
    .sort((a, b) => PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] || b.count - a.count);
}

/** Coding sessions with UI work that were not verified in the browser. */
export function unverifiedUiSessions(entries: readonly ReviewEntry[]): number[] {
  return entries
    .filter((e) => e.quick?.issues.some((i) => i.rule === "no_browser_verification"))
    .map((e) => e.session.number);
}
