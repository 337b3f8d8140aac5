import { z } from "zod";
import { detectCredentials } from "../../agent/credentials.ts";
import { fail } from "../../errors.ts";
import { QualityCheck } from "../../review/model.ts";
import {
  issueCounts,
  type ReviewEntry,
  ratingTrend,
  recommendationThemes,
  reviewEntries,
  sessionRating,
} from "../../review/review-entries.ts";
import type { Routes, ServerDeps } from "../app.ts";
import { projectOf, sessionOf } from "../lookup.ts";
import { PathId, ProjectParams } from "../schemas/common.ts";
import { errorResponses } from "../schemas/error.ts";
import { SessionParams } from "../schemas/session.ts";

const LastQuery = z.object({
  last: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000)
    .optional()
    .describe("only the newest N finished coding sessions (default: all)"),
});

const Rating = z.number().nullable();

const TrendPoint = z.object({ session_number: z.number().int(), quick: Rating, deep: Rating });
const Trend = z.object({
  points: z.array(TrendPoint).describe("oldest first"),
  average_quick: Rating,
  older_half: Rating.describe("average quick rating of the older half of the sessions"),
  newer_half: Rating.describe("… and of the newer half"),
  direction: z.enum(["improving", "declining", "steady", "unknown"]),
});

const BrowserCompliance = z.object({
  coding_sessions: z.number().int(),
  verified: z.number().int().describe("sessions with at least one browser verification"),
  percent: z.number().nullable(),
  without_browser: z.array(z.number().int()).describe("numbers of sessions with no browser verification"),
  ui_unverified: z
    .array(z.number().int())
    .describe(
      "of those, sessions whose task was UI work (the quick check's no_browser_verification rule fired)",
    ),
});

const IssueCount = z.object({
  rule: z.string(),
  count: z.number().int(),
  sessions: z.array(z.number().int()),
});
const RecentIssue = z.object({
  session_number: z.number().int(),
  rule: z.string(),
  points: z.number(),
  reason: z.string(),
});
const Theme = z.object({
  theme: z.string(),
  count: z.number().int(),
  priority: z.enum(["high", "medium", "low"]),
  texts: z.array(z.string()),
});

const DeepReviewLine = QualityCheck.omit({ report_markdown: true }).extend({
  session_number: z.number().int(),
  has_report: z.boolean(),
});

const QualitySummary = z.object({
  sessions_reviewed: z.number().int(),
  average_rating: Rating.describe("each session's newest deep rating, else its quick rating, averaged"),
  average_quick: Rating,
  average_deep: Rating,
  trend: Trend,
  browser: BrowserCompliance,
  top_issues: z.array(IssueCount).describe("quick-check rules by how often they fired"),
  themes: z.array(Theme).describe("deep reviews' recommendations grouped by theme"),
  deep_reviews: z.array(DeepReviewLine).describe("newest first"),
});

const SessionQuality = z.object({
  session_number: z.number().int(),
  rating: Rating,
  quick: QualityCheck.nullable(),
  deep: z.array(QualityCheck).describe("oldest first"),
});

const ReviewParams = ProjectParams.extend({ checkId: PathId.describe("a deep review's id") });

const mean = (values: readonly number[]) =>
  values.length === 0 ? null : Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100;

function browserCompliance(entries: readonly ReviewEntry[]): z.infer<typeof BrowserCompliance> {
  const without = entries.filter((e) => e.session.browser_verifications === 0);
  return {
    coding_sessions: entries.length,
    verified: entries.length - without.length,
    percent:
      entries.length === 0
        ? null
        : Math.round(((entries.length - without.length) / entries.length) * 1000) / 10,
    without_browser: without.map((e) => e.session.number),
    ui_unverified: entries
      .filter((e) => e.quick?.issues.some((i) => i.rule === "no_browser_verification"))
      .map((e) => e.session.number),
  };
}

/** The reviewed sessions of a project (a missing quick check is made on the way, once). */
async function entriesOf(deps: ServerDeps, projectId: number, last?: number): Promise<ReviewEntry[]> {
  return reviewEntries(
    { stores: deps.stores, bus: deps.bus, rules: deps.config.review.rules },
    projectId,
    last === undefined ? {} : { lastN: last },
  );
}

/** How well a project's coding sessions worked: ratings, trend, issues, browser checks, deep reviews. */
export const qualityRoutes: Routes = (app, deps) => {
  app.get(
    "/api/projects/:id/quality",
    {
      schema: {
        tags: ["quality"],
        summary: "The project's quality: average rating, trend, browser compliance, issues, deep reviews",
        params: ProjectParams,
        querystring: LastQuery,
        response: { 200: QualitySummary, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const project = await projectOf(deps, request.params.id);
      const entries = await entriesOf(deps, project.id, request.query.last);
      const deep = entries.flatMap((e) => e.deep.map((check) => ({ check, session: e.session })));
      return {
        sessions_reviewed: entries.length,
        average_rating: mean(entries.flatMap((e) => sessionRating(e) ?? [])),
        average_quick: mean(entries.flatMap((e) => e.quick?.rating ?? [])),
        average_deep: mean(deep.flatMap((d) => d.check.rating ?? [])),
        trend: ratingTrend(entries),
        browser: browserCompliance(entries),
        top_issues: issueCounts(entries).slice(0, 10),
        themes: recommendationThemes(entries),
        deep_reviews: deep.reverse().map(({ check, session }) => {
          const { report_markdown, ...rest } = check;
          return { ...rest, session_number: session.number, has_report: report_markdown !== null };
        }),
      };
    },
  );

  app.get(
    "/api/projects/:id/quality/trend",
    {
      schema: {
        tags: ["quality"],
        summary: "Quick and deep ratings of the last N coding sessions, oldest first",
        params: ProjectParams,
        querystring: LastQuery,
        response: { 200: Trend, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const project = await projectOf(deps, request.params.id);
      return ratingTrend(await entriesOf(deps, project.id, request.query.last ?? 20));
    },
  );

  app.get(
    "/api/projects/:id/quality/issues",
    {
      schema: {
        tags: ["quality"],
        summary:
          "The quick checks' deductions of the last N sessions, newest first, and how often each rule fired",
        params: ProjectParams,
        querystring: LastQuery,
        response: {
          200: z.object({ issues: z.array(RecentIssue), counts: z.array(IssueCount) }),
          ...errorResponses(400, 404),
        },
      },
    },
    async (request) => {
      const project = await projectOf(deps, request.params.id);
      const entries = await entriesOf(deps, project.id, request.query.last ?? 10);
      const issues = entries
        .toReversed()
        .flatMap((e) => (e.quick?.issues ?? []).map((i) => ({ session_number: e.session.number, ...i })));
      return { issues, counts: issueCounts(entries) };
    },
  );

  app.get(
    "/api/projects/:id/quality/browser",
    {
      schema: {
        tags: ["quality"],
        summary: "Browser-verification compliance: which coding sessions checked their work in the browser",
        params: ProjectParams,
        querystring: LastQuery,
        response: { 200: BrowserCompliance, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const project = await projectOf(deps, request.params.id);
      return browserCompliance(await entriesOf(deps, project.id, request.query.last));
    },
  );

  app.get(
    "/api/projects/:id/sessions/:sid/quality",
    {
      schema: {
        tags: ["quality"],
        summary: "One coding session's quick check (with each deduction) and deep reviews",
        params: SessionParams,
        response: { 200: SessionQuality, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const project = await projectOf(deps, request.params.id);
      const session = await sessionOf(deps, project, request.params.sid);
      const [entry] = await reviewEntries(
        { stores: deps.stores, bus: deps.bus, rules: deps.config.review.rules },
        project.id,
        { session: session.number },
      );
      if (!entry)
        throw fail("BATON_REVIEW_NOT_FOUND", {
          project_id: project.id,
          session: session.number,
          reason: `session ${session.number} has no review`,
        });
      return {
        session_number: session.number,
        rating: sessionRating(entry),
        quick: entry.quick,
        deep: entry.deep,
      };
    },
  );

  app.post(
    "/api/projects/:id/sessions/:sid/review",
    {
      schema: {
        tags: ["quality"],
        summary:
          "Start a deep review of a finished coding session now (202; it runs in the background and ends with review_complete or review_failed)",
        params: SessionParams,
        response: {
          202: z.object({ session_number: z.number().int(), started: z.literal(true) }),
          ...errorResponses(400, 404, 412),
        },
      },
    },
    async (request, reply) => {
      const project = await projectOf(deps, request.params.id);
      const session = await sessionOf(deps, project, request.params.sid);
      // Refuses the initializer and unfinished sessions; makes the quick check the review reads.
      await reviewEntries(
        { stores: deps.stores, bus: deps.bus, rules: deps.config.review.rules },
        project.id,
        { session: session.number },
      );
      detectCredentials(deps.env);
      deps.orchestrator.reviews.requestDeep(session);
      return reply.code(202).send({ session_number: session.number, started: true as const });
    },
  );

  app.get(
    "/api/projects/:id/reviews/:checkId/report.md",
    {
      schema: {
        tags: ["quality"],
        summary: "A deep review's report as a markdown download",
        params: ReviewParams,
        response: { 200: z.string(), ...errorResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const project = await projectOf(deps, request.params.id);
      const checks = await deps.stores.quality.forProject(project.id, { kind: "deep" });
      const check = checks.find((c) => c.id === request.params.checkId);
      if (!check?.report_markdown)
        throw fail("BATON_REVIEW_NOT_FOUND", {
          project_id: project.id,
          review_id: request.params.checkId,
          reason: `project ${project.name} has no deep review ${request.params.checkId} with a report; GET /api/projects/${project.id}/quality lists its deep reviews`,
        });
      const session = await deps.stores.sessions.get(check.session_id);
      reply
        .type("text/markdown; charset=utf-8")
        .header(
          "content-disposition",
          `attachment; filename="${project.name}-session-${session.number}-review-${check.id}.md"`,
        );
      return check.report_markdown;
    },
  );
};
