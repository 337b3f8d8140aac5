/**
 * Prompt improvement over the API: prompt versions with their figures, activation (rollback) and
 * diffs; analyses (started in the background; `analysis_complete` on the global WebSocket when they end);
 * proposals (accept, reject, apply). Thin: each route calls one function of src/review or one
 * store read. See docs/prompts.md.
 */
import { z } from "zod";
import { fail } from "../../errors.ts";
import { type AnalysisOutcome, startAnalysis } from "../../review/analysis.ts";
import { PromptProposal, PromptVersion } from "../../review/model.ts";
import {
  acceptProposal,
  activateVersion,
  applyProposal,
  diffVersions,
  rejectProposal,
} from "../../review/proposals.ts";
import type { ApiApp, Routes } from "../app.ts";
import { errorResponses } from "../schemas/error.ts";
import {
  Activated,
  AnalysisDetail,
  AnalysisLine,
  AnalysisParams,
  Applied,
  DiffAnswer,
  DiffQuery,
  NewAnalysisBody,
  ProposalDecision,
  ProposalParams,
  ProposalsQuery,
  scopeOf,
  VersionLine,
  VersionParams,
  VersionsQuery,
} from "../schemas/prompts.ts";

const TAGS = ["prompts"];

/** Analyses still running, so that closing the server stops them and waits for them. */
class RunningAnalyses {
  private readonly abort = new AbortController();
  private readonly running = new Set<Promise<void>>();

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  track(work: Promise<void>): void {
    const tracked = work.finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  async close(): Promise<void> {
    this.abort.abort(new Error("the server is shutting down"));
    await Promise.allSettled([...this.running]);
  }
}

export const promptsRoutes: Routes = (app, deps) => {
  const analyses = new RunningAnalyses();
  app.addHook("onClose", () => analyses.close());

  app.get(
    "/api/prompts/versions",
    {
      schema: {
        tags: TAGS,
        summary: "Every prompt version (of one prompt with ?name=) with sessions run and average quality",
        querystring: VersionsQuery,
        response: { 200: z.object({ versions: z.array(VersionLine) }), ...errorResponses(400) },
      },
    },
    async (request) => {
      const versions = await deps.stores.prompts.versionsWithStats(request.query.name);
      return { versions: versions.map(({ content: _text, ...line }) => line) };
    },
  );

  app.get(
    "/api/prompts/versions/:name/:version",
    {
      schema: {
        tags: TAGS,
        summary: "One prompt version with its text",
        params: VersionParams,
        response: { 200: PromptVersion, ...errorResponses(400, 404) },
      },
    },
    async (request) => deps.stores.prompts.getVersionByNumber(request.params.name, request.params.version),
  );

  app.post(
    "/api/prompts/versions/:name/:version/activate",
    {
      schema: {
        tags: TAGS,
        summary: "Make a version the one sessions use (rolling back is activating an earlier one)",
        params: VersionParams,
        response: { 200: Activated, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { name, version } = request.params;
      const previous = await deps.stores.prompts.active(name);
      return { version: await activateVersion(deps.stores, name, version), previous };
    },
  );

  app.get(
    "/api/prompts/diff",
    {
      schema: {
        tags: TAGS,
        summary: "A unified diff between two versions of a prompt (JSON, or text/plain with ?format=text)",
        querystring: DiffQuery,
        response: {
          200: {
            description: "the diff",
            content: {
              "application/json": { schema: DiffAnswer },
              "text/plain": { schema: z.string() },
            },
          },
          ...errorResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const { name, from, to, format } = request.query;
      const diff = await diffVersions(deps.stores, name, from, to);
      if (format === "text") return reply.type("text/plain; charset=utf-8").send(diff);
      return { name, from, to, diff };
    },
  );

  app.get(
    "/api/analyses",
    {
      schema: {
        tags: TAGS,
        summary: "Prompt-improvement analyses, newest first, with how many proposals each made",
        response: { 200: z.object({ analyses: z.array(AnalysisLine) }) },
      },
    },
    async () => {
      const [list, proposals] = await Promise.all([
        deps.stores.prompts.listAnalyses(),
        deps.stores.prompts.listProposals(),
      ]);
      const counts = new Map<number, number>();
      for (const p of proposals) counts.set(p.analysis_id, (counts.get(p.analysis_id) ?? 0) + 1);
      return { analyses: list.map((a) => ({ ...a, proposal_count: counts.get(a.id) ?? 0 })) };
    },
  );

  app.post(
    "/api/analyses",
    {
      schema: {
        tags: TAGS,
        summary:
          "Start an analysis of some projects' sessions (default: all; `days` or a date range); 202 at once, `analysis_complete` on the global WebSocket when it ends",
        body: NewAnalysisBody,
        response: { 202: AnalysisLine, ...errorResponses(400, 404, 412) },
      },
    },
    async (request, reply) => {
      const { analysis, done } = await startAnalysis(
        {
          stores: deps.stores,
          env: deps.env,
          model: deps.config.models.review,
          cwd: deps.home,
          signal: analyses.signal,
        },
        scopeOf(request.body),
      );
      analyses.track(logWhenDone(app, analysis.id, done));
      return reply.code(202).send({ ...analysis, proposal_count: 0 });
    },
  );

  app.get(
    "/api/analyses/:id",
    {
      schema: {
        tags: TAGS,
        summary: "One analysis (themes, summary, cost) with its proposals",
        params: AnalysisParams,
        response: { 200: AnalysisDetail, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const analysis = await deps.stores.prompts.getAnalysis(request.params.id);
      const proposals = await deps.stores.prompts.listProposals(analysis.id);
      return { ...analysis, proposal_count: proposals.length, proposals };
    },
  );

  app.delete(
    "/api/analyses/:id",
    {
      schema: {
        tags: TAGS,
        summary: "Delete an analysis and its proposals (versions applied from them stay)",
        params: AnalysisParams,
        response: {
          200: z.object({ id: z.number().int(), deleted: z.literal(true) }),
          ...errorResponses(400, 404, 409),
        },
      },
    },
    async (request) => {
      const analysis = await deps.stores.prompts.getAnalysis(request.params.id);
      if (analysis.status === "pending" || analysis.status === "running") {
        throw fail("BATON_ANALYSIS_RUNNING", { analysis_id: analysis.id, status: analysis.status });
      }
      await deps.stores.prompts.deleteAnalysis(request.params.id);
      return { id: request.params.id, deleted: true as const };
    },
  );

  app.get(
    "/api/proposals",
    {
      schema: {
        tags: TAGS,
        summary: "Proposals (of one analysis, of one status), newest analysis first",
        querystring: ProposalsQuery,
        response: { 200: z.object({ proposals: z.array(PromptProposal) }), ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { analysis_id, status } = request.query;
      if (analysis_id !== undefined) await deps.stores.prompts.getAnalysis(analysis_id);
      const proposals = await deps.stores.prompts.listProposals(analysis_id, status ? { status } : {});
      return { proposals };
    },
  );

  app.get(
    "/api/proposals/:id",
    {
      schema: {
        tags: TAGS,
        summary: "One proposal",
        params: ProposalParams,
        response: { 200: PromptProposal, ...errorResponses(400, 404) },
      },
    },
    async (request) => deps.stores.prompts.getProposal(request.params.id),
  );

  app.patch(
    "/api/proposals/:id",
    {
      schema: {
        tags: TAGS,
        summary: "Accept or reject a proposal (409 when its status does not allow it)",
        params: ProposalParams,
        body: ProposalDecision,
        response: { 200: PromptProposal, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => {
      const { id } = request.params;
      return request.body.status === "accepted"
        ? acceptProposal(deps.stores, id)
        : rejectProposal(deps.stores, id);
    },
  );

  app.post(
    "/api/proposals/:id/apply",
    {
      schema: {
        tags: TAGS,
        summary:
          "Apply a proposal: a new, active version of its prompt (409 BATON_PROPOSAL_STALE when its before text no longer fits)",
        params: ProposalParams,
        response: { 200: Applied, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => applyProposal(deps.stores, request.params.id),
  );
};

/**
 * Waits for an analysis to end and logs it (the store records `analysis_complete`, which the
 * global WebSocket stream carries). Never rejects.
 */
async function logWhenDone(app: ApiApp, analysisId: number, done: Promise<AnalysisOutcome>): Promise<void> {
  try {
    const { analysis, proposals } = await done;
    const status = analysis.status === "error" ? "error" : "completed";
    app.log.info({ analysis_id: analysisId, status, proposals: proposals.length }, "analysis ended");
  } catch (error) {
    // Only the database fails `done` (or the analysis was deleted while it ran).
    app.log.warn({ err: error, analysis_id: analysisId }, "analysis not recorded");
  }
}
