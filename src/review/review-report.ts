/**
 * The markdown of `baton review`: one report per `--type` (session, trends, final), for the
 * terminal and for `--output FILE`. Pure: the data comes from review-entries.ts.
 */
import type { Progress } from "../plan/progress.ts";
import type { Project } from "../projects/model.ts";
import type { QualityCheck } from "./model.ts";
import {
  issueCounts,
  type ReviewEntry,
  ratingTrend,
  recommendationThemes,
  sessionRating,
  unverifiedUiSessions,
} from "./review-entries.ts";

const rating = (value: number | null | undefined) =>
  value === null || value === undefined ? "–" : `${value}/10`;
const average = (value: number | null) => (value === null ? "–" : `${value.toFixed(1)}/10`);

function quickSection(check: QualityCheck | null): string[] {
  if (check === null) return ["No quick check."];
  const m = check.metrics;
  const lines = [
    `**Quick check: ${rating(check.rating)}**`,
    "",
    ...(check.issues.length === 0
      ? ["No issues."]
      : check.issues.map((i) => `- ${i.reason} (\`${i.rule}\`)`)),
    "",
    `Tool calls ${m.tool_calls ?? 0} (${m.tool_errors ?? 0} failed) · browser: ${m.browser_navigations ?? 0} navigations, ${m.browser_screenshots ?? 0} screenshots, ${m.browser_calls ?? 0} calls · tests marked passing ${m.tests_marked_passing ?? 0} (${m.tests_passing_without_evidence ?? 0} without evidence) · tasks completed ${m.tasks_completed ?? 0} · commits ${m.commits ?? 0} · oriented ${m.oriented ? "yes" : "no"} · denied commands ${m.denied_commands ?? 0} · cost $${Number(m.cost_usd ?? 0).toFixed(2)}${typeof m.cost_per_passing_test_usd === "number" ? ` ($${m.cost_per_passing_test_usd.toFixed(2)} per passing test)` : ""}`,
  ];
  return lines;
}

function deepSection(check: QualityCheck): string[] {
  const error = typeof check.metrics.error === "string" ? check.metrics.error : null;
  return [
    `**Deep review: ${rating(check.rating)}** (${check.model ?? "model unknown"}, $${check.cost_usd.toFixed(2)}, ${check.created_at})`,
    ...(error ? ["", `The reply could not be used: ${error}`] : []),
    "",
    check.report_markdown ?? "",
    ...(check.recommendations.length > 0
      ? [
          "",
          "Recommendations:",
          ...check.recommendations.map((r) => `- **${r.priority}** · ${r.theme}: ${r.text}`),
        ]
      : []),
  ];
}

/** `--type session`: each session's quick check and deep reviews. */
export function sessionReviewMarkdown(project: Project, entries: readonly ReviewEntry[]): string {
  const parts = [`# Review of ${project.name}`];
  if (entries.length === 0) parts.push("", "No finished coding session to review yet.");
  for (const e of entries) {
    parts.push(
      "",
      `## Session ${e.session.number} (${e.session.status}, ${e.session.model})`,
      "",
      ...quickSection(e.quick),
    );
    for (const deep of e.deep) parts.push("", ...deepSection(deep));
  }
  return `${parts.join("\n")}\n`;
}

function issueLines(entries: readonly ReviewEntry[]): string[] {
  const issues = issueCounts(entries);
  return issues.length === 0
    ? ["No issues."]
    : issues.map(
        (i) => `- \`${i.rule}\`: ${i.count} session${i.count === 1 ? "" : "s"} (${i.sessions.join(", ")})`,
      );
}

/** `--type trends`: ratings over the sessions, the direction, the frequent issues. */
export function trendsMarkdown(project: Project, entries: readonly ReviewEntry[]): string {
  const trend = ratingTrend(entries);
  const lines = [
    `# Quality trend of ${project.name} (last ${entries.length} session${entries.length === 1 ? "" : "s"})`,
    "",
    `Average quick rating ${average(trend.average_quick)} · older half ${average(trend.older_half)} → newer half ${average(trend.newer_half)}: **${trend.direction}**`,
    "",
    "| session | quick | deep | chart |",
    "|---:|---:|---:|:---|",
    ...trend.points.map(
      (p) => `| ${p.session_number} | ${rating(p.quick)} | ${rating(p.deep)} | ${"█".repeat(p.quick ?? 0)} |`,
    ),
    "",
    "## Frequent issues",
    "",
    ...issueLines(entries),
  ];
  return `${lines.join("\n")}\n`;
}

/** `--type final`: the project as a whole. */
export function finalMarkdown(project: Project, progress: Progress, entries: readonly ReviewEntry[]): string {
  const trend = ratingTrend(entries);
  const ratings = entries.map(sessionRating).filter((r): r is number => r !== null);
  const deep = entries.flatMap((e) => e.deep);
  const unverified = unverifiedUiSessions(entries);
  const themes = recommendationThemes(entries);
  const cost = entries.reduce((sum, e) => sum + e.session.cost_usd, 0);
  const lines = [
    `# Final review of ${project.name}`,
    "",
    `Status **${project.status}** · tasks ${progress.tasks_done}/${progress.tasks_total} done · tests ${progress.tests_passing}/${progress.tests_total} passing · ${entries.length} coding sessions, $${cost.toFixed(2)} · ${deep.length} deep review${deep.length === 1 ? "" : "s"}`,
    "",
    `Average quick rating ${average(trend.average_quick)} (${trend.direction}) · lowest ${ratings.length ? Math.min(...ratings) : "–"} · highest ${ratings.length ? Math.max(...ratings) : "–"}`,
    "",
    "## Browser verification",
    "",
    unverified.length === 0
      ? "Every session with UI work verified it in the browser."
      : `Sessions with UI work not verified in the browser: ${unverified.join(", ")}.`,
    "",
    "## Frequent issues",
    "",
    ...issueLines(entries),
    "",
    "## Recommendations of the deep reviews, by theme",
    "",
    ...(themes.length === 0
      ? ["No deep review yet."]
      : themes.flatMap((t) => [
          `- **${t.theme}** (${t.priority}, ${t.count}×)`,
          ...t.texts.map((text) => `  - ${text}`),
        ])),
  ];
  return `${lines.join("\n")}\n`;
}
