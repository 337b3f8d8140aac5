import { detectCredentials } from "../agent/credentials.ts";
import { activePrompt, renderPrompt } from "../agent/prompts.ts";
import { runTextQuery, type TextQueryResult } from "../agent/text-query.ts";
import type { Clock } from "../db/clock.ts";
import type { Stores } from "../db/stores/index.ts";
import { fail } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import { recordProjectEvent } from "../events/project-events.ts";
import type { Logger } from "../logs/process-log.ts";
import { beginSession } from "../orchestrator/session-lifecycle.ts";
import type { Session, TerminalSessionStatus } from "../sessions/model.ts";
import { assertProjectDirectory } from "../util/host-files.ts";
import type { DeepTrigger } from "./deep-trigger.ts";
import { EXCERPT_CHARS, sessionExcerpt } from "./excerpt.ts";
import type { QualityCheck } from "./model.ts";
import { runQuickCheck, sessionEvents } from "./quick-check.ts";
import type { RuleOverrides } from "./quick-rules.ts";
import { parseReviewReply } from "./review-reply.ts";

/** The system prompt of every deep review; what to do is in the versioned `review` prompt. */
export const REVIEW_SYSTEM_PROMPT =
  "You are a senior engineer reviewing the work of an autonomous coding agent. You have no tools: answer from what you are given, in markdown, ending with the JSON block you are asked for.";

export interface DeepReviewDeps {
  stores: Stores;
  bus: EventBus;
  /** Baton's environment: Claude Code's is made from it (session-env.ts). */
  env: Record<string, string | undefined>;
  /** `models.review` */
  model: string;
  workerId: string;
  log: Logger;
  /** Baton's data directory: the review's logs go there (projectLogDir). */
  home: string;
  clock?: Clock;
  /** `review.rules`, for a quick check made first when the session has none. */
  rules?: RuleOverrides;
  excerptChars?: number;
  heartbeatMs?: number;
}

export interface DeepReviewRequest {
  /** The coding session to review (finished). */
  session: Session;
  trigger: DeepTrigger;
  /** Why, in words, for the prompt (describeTrigger). */
  because: string;
  signal?: AbortSignal;
}

export interface DeepReviewOutcome {
  /** The stored check; its rating is null when the reply could not be parsed (then `error` says why). */
  check: QualityCheck;
  /** The review session (its logs are `log_path`.txt/.jsonl). */
  review: Session;
  error: string | null;
}

/**
 * Reviews one coding session with the model. Refuses before creating anything when credentials
 * are missing or the project's directory is gone. A failed model call ends the review session as
 * `error` (or `interrupted` when aborted) and throws; an unparseable reply is stored (the reply as
 * the report, rating null, `metrics.error` saying why) and returned with `error`. Announces
 * `review_complete` on success; failures are the caller's to announce.
 */
export async function runDeepReview(
  deps: DeepReviewDeps,
  request: DeepReviewRequest,
): Promise<DeepReviewOutcome> {
  const { stores } = deps;
  const reviewed = request.session;
  const project = await stores.projects.get(reviewed.project_id);
  const credentials = detectCredentials(deps.env);
  assertProjectDirectory(project);
  const quick =
    (await stores.quality.forSession(reviewed.id)).filter((c) => c.kind === "quick").at(-1) ??
    (await runQuickCheck({ stores, bus: deps.bus, ...(deps.rules ? { rules: deps.rules } : {}) }, reviewed));
  const excerpt = sessionExcerpt(
    await sessionEvents(stores, reviewed.id),
    deps.excerptChars ?? EXCERPT_CHARS,
  );
  const version = await activePrompt(stores.prompts, "review");
  const prompt = renderPrompt(version.content, {
    project_name: project.name,
    session_number: reviewed.number,
    trigger: request.because,
    quick_rating: quick.rating ?? "?",
    issues:
      quick.issues.length === 0
        ? "The quick check found no issues."
        : `Issues the quick check found:\n${quick.issues.map((i) => `- ${i.reason} (${i.rule})`).join("\n")}`,
    metrics: JSON.stringify(quick.metrics, null, 2),
    excerpt,
  });

  const live = await beginSession(deps, project, {
    type: "review",
    model: deps.model,
    prompt: version,
    credentials: credentials.kind,
    cwd: project.directory,
    title: (review, startedAt) =>
      `Baton review ${review.number} of session ${reviewed.number} of ${project.name}\nmodel ${deps.model}, started ${startedAt.toISOString()}`,
  });
  const review = live.session;
  await live.record("prompt", { text: prompt });
  let reply: TextQueryResult | undefined;
  let failure: string | null = null;
  try {
    reply = await runTextQuery({
      model: deps.model,
      systemPrompt: REVIEW_SYSTEM_PROMPT,
      prompt,
      env: deps.env,
      cwd: project.directory,
      ...(request.signal ? { signal: request.signal } : {}),
      onEvent: async (event) => {
        await live.record(event.type, event.payload);
      },
    });
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  }

  let check: QualityCheck | undefined;
  let error = failure;
  if (reply) {
    await stores.sessions.addUsage(review.id, { ...reply.usage, cost_usd: reply.cost_usd });
    const parsed = parseReviewReply(reply.text);
    if (!parsed.ok) error = `the review's reply could not be used: ${parsed.error}`;
    check = await stores.quality.add({
      session_id: reviewed.id,
      kind: "deep",
      rating: parsed.ok ? parsed.findings.rating : null,
      recommendations: parsed.ok ? parsed.findings.recommendations : [],
      report_markdown: parsed.markdown,
      model: reply.model,
      cost_usd: reply.cost_usd,
      metrics: {
        trigger: request.trigger,
        review_session_id: review.id,
        review_session_number: review.number,
        quick_rating: quick.rating,
        excerpt_chars: excerpt.length,
        ...(parsed.ok ? {} : { error: parsed.error }),
      },
    });
  }

  const status: TerminalSessionStatus =
    error === null ? "completed" : request.signal?.aborted ? "interrupted" : "error";
  const ended = await live.finish({
    status,
    error,
    reason: status === "interrupted" ? error : null,
    errorKind: "review",
    metrics: (row) => ({
      cost_usd: row.cost_usd,
      input_tokens: row.input_tokens,
      output_tokens: row.output_tokens,
    }),
  });

  if (check === undefined) {
    throw fail("BATON_SESSION_FAILED", {
      session: review.number,
      reason: `the deep review of session ${reviewed.number} failed: ${error}`,
    });
  }
  if (error === null) {
    await recordProjectEvent({ sessions: stores.sessions, bus: deps.bus }, project.id, "review_complete", {
      kind: "deep",
      session_id: reviewed.id,
      session_number: reviewed.number,
      rating: check.rating,
      quality_check_id: check.id,
    });
  }
  return { check, review: ended, error };
}
