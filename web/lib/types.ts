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
  credentials: { kind: string | null; problem: string | null };
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
  tests: { passing: number; total: number };
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
