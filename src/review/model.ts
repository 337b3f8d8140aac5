import { z } from "zod";

export const QUALITY_CHECK_KINDS = ["quick", "deep"] as const;
export const QualityCheckKind = z.enum(QUALITY_CHECK_KINDS);
export type QualityCheckKind = z.infer<typeof QualityCheckKind>;

export const PROMPT_NAMES = ["initializer", "coding", "review"] as const;
export const PromptName = z.enum(PROMPT_NAMES);
export type PromptName = z.infer<typeof PromptName>;

export const PROMPT_VERSION_SOURCES = ["builtin", "proposal", "manual"] as const;
export const PromptVersionSource = z.enum(PROMPT_VERSION_SOURCES);
export type PromptVersionSource = z.infer<typeof PromptVersionSource>;

export const ANALYSIS_STATUSES = ["pending", "running", "completed", "error"] as const;
export const AnalysisStatus = z.enum(ANALYSIS_STATUSES);
export type AnalysisStatus = z.infer<typeof AnalysisStatus>;

export const PROPOSAL_STATUSES = ["proposed", "accepted", "rejected", "applied"] as const;
export const ProposalStatus = z.enum(PROPOSAL_STATUSES);
export type ProposalStatus = z.infer<typeof ProposalStatus>;

export const Recommendation = z.object({
  priority: z.enum(["high", "medium", "low"]),
  theme: z.string(),
  text: z.string(),
});
export type Recommendation = z.infer<typeof Recommendation>;

export const Deduction = z.object({ rule: z.string(), points: z.number(), reason: z.string() });
export type Deduction = z.infer<typeof Deduction>;

export const QualityCheck = z.object({
  id: z.number().int().positive(),
  project_id: z.number().int().positive(),
  session_id: z.number().int().positive(),
  kind: QualityCheckKind,
  rating: z.number().int().min(1).max(10).nullable(),
  metrics: z.record(z.string(), z.unknown()),
  issues: z.array(Deduction),
  recommendations: z.array(Recommendation),
  report_markdown: z.string().nullable(),
  model: z.string().nullable(),
  cost_usd: z.number(),
  prompt_version_id: z.number().int().nullable(),
  created_at: z.string(),
});
export type QualityCheck = z.infer<typeof QualityCheck>;

export const NewQualityCheck = QualityCheck.omit({ id: true, project_id: true, created_at: true }).partial({
  rating: true,
  metrics: true,
  issues: true,
  recommendations: true,
  report_markdown: true,
  model: true,
  cost_usd: true,
  prompt_version_id: true,
});
export type NewQualityCheck = z.input<typeof NewQualityCheck>;

export const PromptVersion = z.object({
  id: z.number().int().positive(),
  name: PromptName,
  version: z.number().int().positive(),
  content: z.string(),
  sha256: z.string(),
  active: z.boolean(),
  source: PromptVersionSource,
  notes: z.string().nullable(),
  created_at: z.string(),
  activated_at: z.string().nullable(),
});
export type PromptVersion = z.infer<typeof PromptVersion>;

export const PromptAnalysis = z.object({
  id: z.number().int().positive(),
  status: AnalysisStatus,
  project_ids: z.array(z.number().int()),
  date_from: z.string().nullable(),
  date_to: z.string().nullable(),
  sessions_analyzed: z.number().int(),
  themes: z.array(z.unknown()),
  summary_markdown: z.string().nullable(),
  model: z.string().nullable(),
  cost_usd: z.number(),
  error: z.string().nullable(),
  created_at: z.string(),
  completed_at: z.string().nullable(),
});
export type PromptAnalysis = z.infer<typeof PromptAnalysis>;

export const PromptProposal = z.object({
  id: z.number().int().positive(),
  analysis_id: z.number().int().positive(),
  prompt_name: PromptName,
  prompt_version_id: z.number().int().nullable(),
  theme: z.string(),
  before_text: z.string(),
  after_text: z.string(),
  rationale: z.string(),
  evidence: z.array(z.unknown()),
  confidence: z.number().min(0).max(1).nullable(),
  status: ProposalStatus,
  applied_version_id: z.number().int().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type PromptProposal = z.infer<typeof PromptProposal>;
