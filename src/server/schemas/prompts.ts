import { z } from "zod";
import type { AnalysisScope } from "../../review/analysis.ts";
import { PromptAnalysis, PromptName, PromptProposal, PromptVersion } from "../../review/model.ts";
import { PromptVersionWithStats } from "../../review/version-stats.ts";
import { MAX_INT, PathId } from "./common.ts";

/** `:name/:version` of a prompt version (`coding`, 3). */
export const VersionParams = z.object({
  name: PromptName.describe("the prompt"),
  version: PathId.describe("the version number (1, 2, …)"),
});

/** A version in a list: its figures, without its text (`GET …/versions/:name/:version` has it). */
export const VersionLine = PromptVersionWithStats.omit({ content: true });
export type VersionLine = z.infer<typeof VersionLine>;

export const VersionsQuery = z.object({
  name: PromptName.optional().describe("only this prompt's versions"),
});

export const Activated = z.object({
  /** The version sessions use from now on. */
  version: PromptVersion,
  /** The version that was active before; null when the prompt had none. */
  previous: PromptVersion.nullable(),
});

export const DiffQuery = z.object({
  name: PromptName,
  from: z.coerce.number().int().positive().max(MAX_INT).describe("the older version number"),
  to: z.coerce.number().int().positive().max(MAX_INT).describe("the newer version number"),
  format: z
    .enum(["json", "text"])
    .default("json")
    .describe("json: `{ name, from, to, diff }`; text: the diff alone"),
});

export const DiffAnswer = z.object({
  name: PromptName,
  from: z.number().int(),
  to: z.number().int(),
  /** A unified diff (`diff -u` style); only its two header lines when the versions are equal. */
  diff: z.string(),
});

const DAY_MS = 86_400_000;

/**
 * What an analysis reads: the scope of `AnalysisScope`, or `days` (the sessions of the last N
 * days) instead of `date_from`.
 */
export const NewAnalysis = z
  .strictObject({
    project_ids: z.array(z.number().int().positive().max(MAX_INT)).optional(),
    date_from: z.iso.datetime().nullable().optional(),
    date_to: z.iso.datetime().nullable().optional(),
    days: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .optional()
      .describe("sessions of the last N days (sets date_from)"),
  })
  .refine((b) => b.days === undefined || b.date_from == null, {
    message: "give days or date_from, not both",
    path: ["days"],
  });
export type NewAnalysis = z.infer<typeof NewAnalysis>;

/** The body of `POST /api/analyses`; none at all is `{}` (every project, any date). */
export const NewAnalysisBody = z.preprocess((value) => value ?? {}, NewAnalysis);

/** The analysis scope a request body stands for, `now` being the time of the request. */
export function scopeOf(body: NewAnalysis, now = Date.now()): AnalysisScope {
  return {
    project_ids: body.project_ids ?? [],
    date_from:
      body.days === undefined ? (body.date_from ?? null) : new Date(now - body.days * DAY_MS).toISOString(),
    date_to: body.date_to ?? null,
  };
}

/** An analysis as lists show it: with how many proposals it made. */
export const AnalysisLine = PromptAnalysis.extend({ proposal_count: z.number().int() });
export type AnalysisLine = z.infer<typeof AnalysisLine>;

/** One analysis with its proposals. */
export const AnalysisDetail = AnalysisLine.extend({ proposals: z.array(PromptProposal) });

export const AnalysisParams = z.object({ id: PathId.describe("the analysis's id") });
export const ProposalParams = z.object({ id: PathId.describe("the proposal's id") });

export const ProposalsQuery = z.object({
  analysis_id: PathId.optional().describe("only this analysis's proposals"),
  status: PromptProposal.shape.status.optional().describe("only proposals with this status"),
});

export const ProposalDecision = z.strictObject({
  status: z.enum(["accepted", "rejected"]).describe("accept or reject (applying is POST …/apply)"),
});

export const Applied = z.object({
  proposal: PromptProposal,
  /** The new, active version. */
  version: PromptVersion,
  /** The version it replaced: activating it again rolls the change back. */
  previous: PromptVersion,
});
