/** The API's shapes the UI reads (a subset of /api/openapi.json). */

export type ProjectStatus =
  | "created"
  | "initializing"
  | "ready"
  | "running"
  | "paused"
  | "complete"
  | "error";
export type SessionType = "initializer" | "coding" | "review";
export type SessionStatus = "pending" | "running" | "completed" | "error" | "interrupted";
export type TaskStatus = "pending" | "in_progress" | "done" | "blocked";
export type TestStatus = "unknown" | "passing" | "failing";

export interface Progress {
  epics: { done: number; total: number };
  tasks: { done: number; in_progress: number; blocked: number; total: number; percent: number };
  tests: { passing: number; failing: number; unknown: number; total: number; percent: number };
  finished: boolean;
}

export interface Project {
  id: number;
  name: string;
  directory: string;
  status: ProjectStatus;
  budget_usd: number | null;
  total_cost_usd: number;
  stop_after_current: boolean;
  paused_until: string | null;
  completed_at: string | null;
  created_at: string;
  updated_at: string;
  settings: { initializer_model: string | null; coding_model: string | null; sandbox: string | null };
  progress: Progress;
  next_task: { id: number; epic_id: number; description: string; status: TaskStatus } | null;
  running_session: {
    id: number;
    number: number;
    type: SessionType;
    model: string;
    started_at: string | null;
  } | null;
}

export interface Info {
  version: string;
  models: { initializer: string; coding: string; review: string };
  auth: "none" | "password";
  credentials: { kind: string | null; label: string | null; warnings: string[]; problem: string | null };
  sandbox: { type: string; available: boolean; problems: string[] };
}

export interface Epic {
  id: number;
  name: string;
  status: "pending" | "in_progress" | "done";
  priority: number;
  tasks: { done: number; total: number; percent: number };
  tests: { passing: number; total: number; percent: number };
}

export interface TaskSummary {
  id: number;
  epic_id: number;
  description: string;
  status: TaskStatus;
  priority: number;
  tests: { passing: number; failing: number; total: number };
}

export interface Test {
  id: number;
  category: string;
  description: string;
  steps: string[];
  status: TestStatus;
  evidence: string | null;
}

export interface TaskDetail extends Omit<TaskSummary, "tests"> {
  action: string;
  notes: string | null;
  tests: Test[];
}

export interface SessionMetrics {
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  tool_calls: number;
  tool_errors: number;
  tasks_completed: number;
  tests_passed: number;
  browser_verifications: number;
  events: number;
}

export interface Session {
  id: number;
  project_id: number;
  number: number;
  type: SessionType;
  model: string;
  status: SessionStatus;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
  error: string | null;
  interruption_reason: string | null;
  metrics: SessionMetrics;
}

export interface Envelope {
  v: 1;
  type: string;
  project_id: number | null;
  session_id?: number;
  seq: number;
  ts: string;
  payload: Record<string, unknown>;
}

export interface EnvVariable {
  name: string;
  value: string | null;
  comment: string | null;
  required: boolean;
  set: boolean;
  in_example: boolean;
}

export interface ProjectEnv {
  variables: EnvVariable[];
  files: { example: boolean; env: boolean };
}

export interface Recommendation {
  priority: "high" | "medium" | "low";
  theme: string;
  text: string;
}

export interface QualityCheck {
  id: number;
  session_id: number;
  kind: "quick" | "deep";
  rating: number | null;
  metrics: Record<string, unknown>;
  issues: { rule: string; points: number; reason: string }[];
  recommendations: Recommendation[];
  report_markdown: string | null;
  model: string | null;
  cost_usd: number;
  created_at: string;
}

export type DeepReviewLine = Omit<QualityCheck, "report_markdown"> & {
  session_number: number;
  has_report: boolean;
};

export interface QualitySummary {
  sessions_reviewed: number;
  average_rating: number | null;
  average_quick: number | null;
  average_deep: number | null;
  trend: {
    points: { session_number: number; quick: number | null; deep: number | null }[];
    direction: "improving" | "declining" | "steady" | "unknown";
  };
  browser: {
    coding_sessions: number;
    verified: number;
    percent: number | null;
    without_browser: number[];
    ui_unverified: number[];
  };
  top_issues: { rule: string; count: number; sessions: number[] }[];
  deep_reviews: DeepReviewLine[];
}

export interface SessionQuality {
  session_number: number;
  rating: number | null;
  quick: QualityCheck | null;
  deep: QualityCheck[];
}

export interface Coverage {
  band: string;
  gaps: string[];
  tasks: { total: number; with_tests: number };
  tests: {
    total: number;
    per_task: { min: number; avg: number; max: number };
    by_category: Record<string, number>;
  };
}

// Prompt improvement (the /prompts page; shapes of /api/prompts, /api/analyses, /api/proposals).

export type PromptName = "initializer" | "coding" | "review";
export type AnalysisStatus = "pending" | "running" | "completed" | "error";
export type ProposalStatus = "proposed" | "accepted" | "rejected" | "applied";

export interface PromptVersionStats {
  sessions: number;
  avg_cost_usd: number | null;
  quick_checks: number;
  avg_quick_rating: number | null;
  deep_reviews: number;
  avg_deep_rating: number | null;
}

/** A version as `GET /api/prompts/versions` lists it (without its text). */
export interface PromptVersionLine {
  id: number;
  name: PromptName;
  version: number;
  sha256: string;
  active: boolean;
  source: "builtin" | "proposal" | "manual";
  notes: string | null;
  created_at: string;
  activated_at: string | null;
  stats: PromptVersionStats;
}

export interface PromptVersion extends Omit<PromptVersionLine, "stats"> {
  content: string;
}

/** A session a proposal cites. */
export interface EvidenceSession {
  session_id: number;
  project_id?: number;
  project?: string;
  session_number?: number;
}

export interface PromptProposal {
  id: number;
  analysis_id: number;
  prompt_name: PromptName;
  prompt_version_id: number | null;
  theme: string;
  before_text: string;
  after_text: string;
  rationale: string;
  evidence: unknown[];
  confidence: number | null;
  status: ProposalStatus;
  applied_version_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface PromptAnalysis {
  id: number;
  status: AnalysisStatus;
  project_ids: number[];
  date_from: string | null;
  date_to: string | null;
  sessions_analyzed: number;
  themes: unknown[];
  summary_markdown: string | null;
  model: string | null;
  cost_usd: number;
  error: string | null;
  created_at: string;
  completed_at: string | null;
  proposal_count: number;
}

export interface PromptAnalysisDetail extends PromptAnalysis {
  proposals: PromptProposal[];
}
