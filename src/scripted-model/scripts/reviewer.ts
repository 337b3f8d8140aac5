import { firstUserText } from "../reading.ts";
import { type MessageReply, textReply } from "../reply.ts";
import type { MessagesRequest } from "../request.ts";

/** How the review prompt (prompts/review.md) starts: what tells a review request from a session. */
export const REVIEW_REQUEST = /# Deep review of session (\d+) of (\S+)/;

/** The theme of a recommendation about each quick-check rule (the scripted reviewer's own view). */
const THEMES: Record<string, string> = {
  no_browser_verification: "browser verification",
  tool_error_rate: "tool errors",
  tests_without_evidence: "testing",
  not_oriented: "orientation",
  done_without_test_results: "testing",
  no_task_completed: "progress",
  no_commit: "commits",
  denied_commands: "security",
  session_failed: "reliability",
  cost_per_passing_test: "cost",
};

interface Issue {
  reason: string;
  rule: string;
}

export function isReviewRequest(request: MessagesRequest): boolean {
  return REVIEW_REQUEST.test(firstUserText(request));
}

/**
 * A deep review, as a model would write it, derived from what the request carries: the quick
 * rating and the issues found become the rating and one recommendation each (high priority for the
 * costliest), and the review says which event counts it read. Ends with the JSON block.
 */
export function reviewerReply(request: MessagesRequest): MessageReply {
  const prompt = firstUserText(request);
  const [, session = "?", project = "?"] = REVIEW_REQUEST.exec(prompt) ?? [];
  const quick = Number(/Quick rating: \*\*(\d+)\/10\*\*/.exec(prompt)?.[1] ?? "7");
  const measured = prompt.split("## An excerpt")[0] ?? prompt;
  const issues: Issue[] = [...measured.matchAll(/^- (.+) \((\w+)\)$/gm)].map((m) => ({
    reason: m[1] ?? "",
    rule: m[2] ?? "",
  }));
  const toolCalls = /Every tool call \((\d+)\)/.exec(prompt)?.[1] ?? "0";
  const rating = Math.max(1, Math.min(10, quick));
  const recommendations =
    issues.length > 0
      ? issues.map((issue, i) => ({
          priority: i === 0 ? "high" : "medium",
          theme: THEMES[issue.rule] ?? issue.rule.replace(/_/g, " "),
          text: `Avoid this next time: ${issue.reason.replace(/: −[\d.]+$/, "")}.`,
        }))
      : [
          {
            priority: "low",
            theme: "handover",
            text: "Keep the progress note as specific as in this session: name the next task and any known problem.",
          },
        ];
  const markdown = [
    `## Review of session ${session} of ${project}`,
    "",
    `**Summary.** The session made ${toolCalls} tool calls; the quick check rated it ${quick}/10 with ${issues.length === 0 ? "no issues" : `${issues.length} issue${issues.length === 1 ? "" : "s"}`}.`,
    "",
    "**What went well.** The session followed the task-tool protocol where the excerpt shows it.",
    "",
    `**Problems.** ${issues.length === 0 ? "None found." : issues.map((i) => i.reason).join("; ")}`,
    "",
    "**Recommendations.**",
    ...recommendations.map((r) => `- (${r.priority}, ${r.theme}) ${r.text}`),
    "",
    "```json",
    JSON.stringify({ rating, recommendations }),
    "```",
  ].join("\n");
  return textReply(markdown);
}
