/**
 * The quick check's rules, all in one place: what each one checks, its default points and
 * threshold, and the sentence that explains a deduction. A session starts at 10; each rule that
 * fires takes its points; the rating is rounded and never below 1. `review.rules` in the config
 * overrides points and thresholds per rule (see docs/review.md).
 */
import type { Deduction } from "./model.ts";

/** What the quick check measures of one coding session (computed from its events; see quick-metrics.ts). */
export interface QuickMetrics {
  status: string;
  tool_calls: number;
  tool_errors: number;
  /** tool_errors / tool_calls; 0 without calls. */
  tool_error_rate: number;
  /** Successful calls of browser tools (navigate, snapshot, click, screenshot, …). */
  browser_calls: number;
  browser_navigations: number;
  browser_screenshots: number;
  /** Whether the session had a browser at all (false: Chromium missing or the docker sandbox). */
  browser_available: boolean;
  /** Whether a task worked on in this session has visible (UI) work: see UI_WORDS. */
  ui_task: boolean;
  /** Tests this session recorded as passing, and how many of them came with evidence. */
  tests_marked_passing: number;
  tests_passing_with_evidence: number;
  tests_passing_without_evidence: number;
  tests_marked_failing: number;
  tasks_completed: number;
  commits: number;
  /** Called a task tool that reads the plan (next task, status, …) before the first change. */
  oriented: boolean;
  /** Tasks marked done in this session with no test result recorded for them before, in this session. */
  tasks_done_without_test_results: number;
  denied_commands: number;
  cost_usd: number;
  cost_per_passing_test_usd: number | null;
}

export const QUICK_RULE_IDS = [
  "no_browser_verification",
  "tool_error_rate",
  "tests_without_evidence",
  "not_oriented",
  "done_without_test_results",
  "no_task_completed",
  "no_commit",
  "denied_commands",
  "session_failed",
  "cost_per_passing_test",
] as const;
export type QuickRuleId = (typeof QUICK_RULE_IDS)[number];

/** A rule's settings: the points it takes, and its threshold (null for rules without one). */
export interface RuleSettings {
  points: number;
  threshold: number | null;
}

interface QuickRule extends RuleSettings {
  /** What the rule checks, in one line (docs, `baton review`). */
  checks: string;
  /** Null when the session passes; otherwise why it does not (the points are added after). */
  fails(m: QuickMetrics, threshold: number): string | null;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export const QUICK_RULES: Readonly<Record<QuickRuleId, QuickRule>> = {
  no_browser_verification: {
    points: 6,
    threshold: null,
    checks: "a session that worked on a UI task verified it in the browser",
    fails: (m) =>
      m.ui_task && m.browser_calls === 0
        ? `no browser verification on a UI task${m.browser_available ? "" : " (the session had no browser)"}`
        : null,
  },
  tool_error_rate: {
    points: 2,
    threshold: 0.25,
    checks: "the share of tool calls that failed stays at or under the threshold (a fraction)",
    fails: (m, t) =>
      m.tool_calls > 0 && m.tool_error_rate > t
        ? `${plural(m.tool_errors, "tool call")} of ${m.tool_calls} failed (${Math.round(m.tool_error_rate * 100)}%, over ${Math.round(t * 100)}%)`
        : null,
  },
  tests_without_evidence: {
    points: 2,
    threshold: 1,
    checks: "fewer tests than the threshold were marked passing without evidence",
    fails: (m, t) =>
      m.tests_passing_without_evidence >= t
        ? `${plural(m.tests_passing_without_evidence, "test")} marked passing without evidence`
        : null,
  },
  not_oriented: {
    points: 1,
    threshold: null,
    checks: "the session read the plan through the task tools (next task, status) before changing anything",
    fails: (m) => (m.oriented ? null : "did not read the next task or the progress before working"),
  },
  done_without_test_results: {
    points: 2,
    threshold: null,
    checks: "every task marked done had its test results recorded first, in the same session",
    fails: (m) =>
      m.tasks_done_without_test_results > 0
        ? `${plural(m.tasks_done_without_test_results, "task")} marked done without recording test results first`
        : null,
  },
  no_task_completed: {
    points: 2,
    threshold: null,
    checks: "the session completed at least one task",
    fails: (m) => (m.tasks_completed === 0 ? "no task completed" : null),
  },
  no_commit: {
    points: 1,
    threshold: null,
    checks: "a session that completed tasks committed its work",
    fails: (m) =>
      m.tasks_completed > 0 && m.commits === 0
        ? `${plural(m.tasks_completed, "task")} completed but nothing committed`
        : null,
  },
  denied_commands: {
    points: 1,
    threshold: 3,
    checks: "fewer commands than the threshold were refused by the security layer",
    fails: (m, t) => (m.denied_commands >= t ? `${plural(m.denied_commands, "command")} refused` : null),
  },
  session_failed: {
    points: 2,
    threshold: null,
    checks: "the session ended by itself (not with an error or interrupted)",
    fails: (m) => (m.status === "completed" ? null : `the session ended ${m.status}`),
  },
  cost_per_passing_test: {
    points: 1,
    threshold: 5,
    checks: "each test marked passing cost at most the threshold (US dollars)",
    fails: (m, t) =>
      m.cost_per_passing_test_usd !== null && m.cost_per_passing_test_usd > t
        ? `$${m.cost_per_passing_test_usd.toFixed(2)} per passing test (over $${t.toFixed(2)})`
        : null,
  },
};

export type RuleOverrides = Partial<Record<QuickRuleId, Partial<RuleSettings>>>;

/** Each rule's settings: the defaults above with `review.rules` laid over them. */
export function ruleSettings(overrides: RuleOverrides = {}): Record<QuickRuleId, RuleSettings> {
  return Object.fromEntries(
    QUICK_RULE_IDS.map((id) => {
      const rule = QUICK_RULES[id];
      const o = overrides[id] ?? {};
      return [id, { points: o.points ?? rule.points, threshold: o.threshold ?? rule.threshold }];
    }),
  ) as Record<QuickRuleId, RuleSettings>;
}

const formatPoints = (points: number) => `−${Number.isInteger(points) ? points : points.toFixed(1)}`;

/** The deductions of a session, in rule order, each with its reason. Rules with 0 points are off. */
export function deductionsFor(metrics: QuickMetrics, overrides: RuleOverrides = {}): Deduction[] {
  const settings = ruleSettings(overrides);
  const deductions: Deduction[] = [];
  for (const id of QUICK_RULE_IDS) {
    const { points, threshold } = settings[id];
    if (points <= 0) continue;
    const why = QUICK_RULES[id].fails(metrics, threshold ?? 0);
    if (why !== null) deductions.push({ rule: id, points, reason: `${why}: ${formatPoints(points)}` });
  }
  return deductions;
}

export const MAX_RATING = 10;
export const MIN_RATING = 1;

/** 10 less the deductions, rounded, never below 1. */
export function ratingOf(deductions: readonly Deduction[]): number {
  const total = deductions.reduce((sum, d) => sum + d.points, 0);
  return Math.max(MIN_RATING, Math.min(MAX_RATING, Math.round(MAX_RATING - total)));
}

/**
 * Words that make a task UI work (matched as whole words in its description, action and tests'
 * steps, case-insensitive), and test categories that only UI work has.
 */
export const UI_WORDS = [
  "ui",
  "page",
  "pages",
  "screen",
  "button",
  "buttons",
  "click",
  "clicks",
  "form",
  "forms",
  "browser",
  "html",
  "css",
  "layout",
  "navbar",
  "menu",
  "modal",
  "dialog",
  "display",
  "displays",
  "displayed",
  "render",
  "renders",
  "visible",
  "component",
  "frontend",
  "dashboard",
];
export const UI_TEST_CATEGORIES = ["style", "accessibility"];

const UI_PATTERN = new RegExp(`\\b(${UI_WORDS.join("|")})\\b`, "i");

/** Whether a task (its description, action, and its tests' categories and steps) is UI work. */
export function isUiTask(task: {
  description: string;
  action: string;
  tests: readonly { category: string; description: string; steps: readonly string[] }[];
}): boolean {
  return (
    UI_PATTERN.test(task.description) ||
    UI_PATTERN.test(task.action) ||
    task.tests.some(
      (t) =>
        UI_TEST_CATEGORIES.includes(t.category) ||
        UI_PATTERN.test(t.description) ||
        t.steps.some((s) => UI_PATTERN.test(s)),
    )
  );
}
