import { z } from "zod";
import { detectCredentials } from "../agent/credentials.ts";
import { activePrompt } from "../agent/prompts.ts";
import { runTextQuery } from "../agent/text-query.ts";
import type { Stores } from "../db/stores/index.ts";
import type { ReviewedCheck } from "../db/stores/prompt-reader.ts";
import { parseInput } from "../db/validate.ts";
import { parseAnalysisReply } from "./analysis-reply.ts";
import { analysisRequest, analysisSystemPrompt } from "./analysis-request.ts";
import type { PromptAnalysis, PromptName, PromptProposal, PromptVersion } from "./model.ts";
import { type DroppedEdit, screenProposals } from "./screen-proposals.ts";
import { type Finding, groupThemes, type SessionRef, type Theme } from "./themes.ts";

/** The prompts an analysis proposes edits to. */
export const IMPROVABLE_PROMPTS = ["coding", "initializer"] as const satisfies readonly PromptName[];

/** Which sessions an analysis reads: of some projects (none: every project), created in a date range. */
export const AnalysisScope = z.object({
  project_ids: z.array(z.number().int().positive()).default([]),
  date_from: z.iso.datetime().nullable().default(null),
  date_to: z.iso.datetime().nullable().default(null),
});
export type AnalysisScope = z.input<typeof AnalysisScope>;

export interface AnalysisDeps {
  stores: Stores;
  /** The environment of the Claude Code process that answers (credentials, ANTHROPIC_BASE_URL, …). */
  env: Record<string, string | undefined>;
  /** The model that analyses: config `models.review`. */
  model: string;
  /** Where Claude Code runs for the call; nothing is read or written there. */
  cwd: string;
  signal?: AbortSignal;
}

export interface AnalysisOutcome {
  analysis: PromptAnalysis;
  proposals: PromptProposal[];
  /** Edits the model proposed that could not be made (their before text is not in the prompt, …). */
  dropped: DroppedEdit[];
}

/**
 * Checks the scope and the credentials, stores a pending analysis and starts it. `done` settles
 * when it has completed or failed (it rejects only when the database does): an API answers at
 * once with the analysis and lets `done` run on.
 */
export async function startAnalysis(
  deps: AnalysisDeps,
  scope: AnalysisScope,
): Promise<{ analysis: PromptAnalysis; done: Promise<AnalysisOutcome> }> {
  const checked = parseInput(AnalysisScope, scope, "analysis scope");
  detectCredentials(deps.env);
  for (const id of checked.project_ids) await deps.stores.projects.find(id);
  const analysis = await deps.stores.prompts.createAnalysis(checked);
  return { analysis, done: runAnalysis(deps, analysis.id) };
}

/** startAnalysis, waiting for the outcome. */
export async function analyzePrompts(deps: AnalysisDeps, scope: AnalysisScope): Promise<AnalysisOutcome> {
  return (await startAnalysis(deps, scope)).done;
}

/**
 * Runs a stored analysis: reads the quality checks of the sessions in its scope, groups their
 * findings into themes, asks the model for edits to the current prompts, keeps the edits that
 * can be made, and stores them as proposals. A failure (the model call, an unreadable reply) is
 * recorded on the analysis as `error` with its message.
 */
export async function runAnalysis(deps: AnalysisDeps, analysisId: number): Promise<AnalysisOutcome> {
  const { prompts } = deps.stores;
  const analysis = await prompts.updateAnalysis(analysisId, { status: "running", error: null });
  try {
    const checks = await prompts.reviewedChecks(analysis);
    const findings = checks.flatMap(findingsOf);
    const sessions = new Map<number, SessionRef>(checks.map((c) => [c.session_id, refOf(c)]));
    const themes = groupThemes(findings);
    await prompts.updateAnalysis(analysisId, { sessions_analyzed: sessions.size, themes });
    if (findings.length === 0) {
      const done = await prompts.updateAnalysis(analysisId, {
        status: "completed",
        summary_markdown: "No review findings in these sessions: no prompt change is proposed.",
      });
      return { analysis: done, proposals: [], dropped: [] };
    }
    const current = new Map<PromptName, PromptVersion>();
    for (const name of IMPROVABLE_PROMPTS) current.set(name, await activePrompt(prompts, name));
    const reply = await runTextQuery({
      model: deps.model,
      systemPrompt: analysisSystemPrompt(),
      prompt: analysisRequest({
        sessions: sessions.size,
        projects: [...new Set(checks.map((c) => c.project))],
        dateFrom: analysis.date_from,
        dateTo: analysis.date_to,
        themes,
        prompts: [...current.values()],
      }),
      env: deps.env,
      cwd: deps.cwd,
      signal: deps.signal,
    });
    await prompts.updateAnalysis(analysisId, { model: reply.model, cost_usd: reply.cost_usd });
    const parsed = parseAnalysisReply(reply.text);
    const { proposals, dropped } = screenProposals(parsed.proposals, current, sessions);
    const stored = await prompts.addProposals(analysisId, proposals);
    const done = await prompts.updateAnalysis(analysisId, {
      status: "completed",
      summary_markdown: summaryMarkdown(parsed.summary, themes, dropped),
    });
    return { analysis: done, proposals: stored, dropped };
  } catch (error) {
    const failed = await prompts.updateAnalysis(analysisId, {
      status: "error",
      error: error instanceof Error ? error.message : String(error),
    });
    return { analysis: failed, proposals: [], dropped: [] };
  }
}

function refOf(check: ReviewedCheck): SessionRef {
  return {
    session_id: check.session_id,
    project_id: check.project_id,
    project: check.project,
    session_number: check.session_number,
  };
}

/** A check's quick-check issues and review recommendations, as findings about its session. */
export function findingsOf(check: ReviewedCheck): Finding[] {
  const session = refOf(check);
  return [
    ...check.issues.map(
      (i): Finding => ({
        source: "quick_issue",
        theme: i.rule,
        text: i.reason,
        points: i.points,
        priority: null,
        session,
      }),
    ),
    ...check.recommendations.map(
      (r): Finding => ({
        source: "recommendation",
        theme: r.theme,
        text: r.text,
        points: 0,
        priority: r.priority,
        session,
      }),
    ),
  ];
}

function summaryMarkdown(summary: string, themes: readonly Theme[], dropped: readonly DroppedEdit[]): string {
  const parts = [summary.trim() || "The model gave no summary."];
  parts.push(
    [
      "## Themes",
      ...themes.map((t) => `- **${t.theme}**: ${t.sessions.length} sessions, ${t.count} findings`),
    ].join("\n"),
  );
  if (dropped.length > 0) {
    parts.push(
      [
        "## Proposals left out",
        ...dropped.map(
          (d) =>
            `- ${d.prompt} / ${d.theme}: ${d.reason} (before: "${d.before.slice(0, 120).replace(/\s+/g, " ")}")`,
        ),
      ].join("\n"),
    );
  }
  return parts.join("\n\n");
}
