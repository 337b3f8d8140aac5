import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";
import type { EpicStatus, TaskStatus, TestCategory, TestStatus } from "../plan/model.ts";
import type { ProjectStatus } from "../projects/model.ts";
import type {
  AnalysisStatus,
  PromptName,
  PromptVersionSource,
  ProposalStatus,
  QualityCheckKind,
} from "../review/model.ts";
import type { SessionStatus, SessionType } from "../sessions/model.ts";

/**
 * The tables as Kysely sees them. Both dialects store the same shapes: timestamps are ISO-8601
 * UTC text (sortable, identical in SQLite and PostgreSQL), JSON is text, flags are 0/1 integers.
 */
type Timestamp = string;
type Json = string;
type Counter = ColumnType<number, number | undefined, number>;

export interface ProjectsTable {
  id: Generated<number>;
  name: string;
  directory: string;
  spec_path: string | null;
  spec_sha256: string | null;
  status: ProjectStatus;
  settings: Json;
  budget_usd: number | null;
  total_cost_usd: Counter;
  init_commit_sha: string | null;
  work_sessions_created: Counter;
  review_sessions_created: Counter;
  stop_after_current: ColumnType<number, number | undefined, number>;
  paused_until: Timestamp | null;
  completed_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface EpicsTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  description: string;
  priority: number;
  status: EpicStatus;
  created_at: Timestamp;
  updated_at: Timestamp;
  completed_at: Timestamp | null;
}

export interface TasksTable {
  id: Generated<number>;
  project_id: number;
  epic_id: number;
  description: string;
  action: string;
  priority: number;
  status: TaskStatus;
  session_id: number | null;
  notes: string | null;
  started_at: Timestamp | null;
  completed_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TestsTable {
  id: Generated<number>;
  project_id: number;
  task_id: number;
  category: TestCategory;
  description: string;
  steps: Json;
  status: TestStatus;
  verified_at: Timestamp | null;
  session_id: number | null;
  evidence: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SessionsTable {
  id: Generated<number>;
  project_id: number;
  number: number;
  type: SessionType;
  model: string;
  status: SessionStatus;
  prompt_version_id: number | null;
  created_at: Timestamp;
  started_at: Timestamp | null;
  ended_at: Timestamp | null;
  error: string | null;
  interruption_reason: string | null;
  input_tokens: Counter;
  output_tokens: Counter;
  cache_read_tokens: Counter;
  cache_write_tokens: Counter;
  cost_usd: Counter;
  tool_calls: Counter;
  tool_errors: Counter;
  tasks_completed: Counter;
  tests_passed: Counter;
  browser_verifications: Counter;
  denied_commands: Counter;
  event_count: Counter;
  worker_id: string | null;
  heartbeat_at: Timestamp | null;
  log_path: string | null;
}

export interface SessionEventsTable {
  id: Generated<number>;
  session_id: number | null;
  /** Null for events about no one project (a prompt analysis that ended). */
  project_id: number | null;
  seq: number | null;
  ts: Timestamp;
  type: string;
  payload: Json;
}

export interface QualityChecksTable {
  id: Generated<number>;
  project_id: number;
  session_id: number;
  kind: QualityCheckKind;
  rating: number | null;
  metrics: Json;
  issues: Json;
  recommendations: Json;
  report_markdown: string | null;
  model: string | null;
  cost_usd: Counter;
  prompt_version_id: number | null;
  created_at: Timestamp;
}

export interface PromptVersionsTable {
  id: Generated<number>;
  name: PromptName;
  version: number;
  content: string;
  sha256: string;
  active: ColumnType<number, number | undefined, number>;
  source: PromptVersionSource;
  notes: string | null;
  created_at: Timestamp;
  activated_at: Timestamp | null;
}

export interface PromptAnalysesTable {
  id: Generated<number>;
  status: AnalysisStatus;
  project_ids: Json;
  date_from: Timestamp | null;
  date_to: Timestamp | null;
  sessions_analyzed: Counter;
  themes: Json;
  summary_markdown: string | null;
  model: string | null;
  cost_usd: Counter;
  error: string | null;
  created_at: Timestamp;
  completed_at: Timestamp | null;
}

export interface PromptProposalsTable {
  id: Generated<number>;
  analysis_id: number;
  prompt_name: PromptName;
  prompt_version_id: number | null;
  theme: string;
  before_text: string;
  after_text: string;
  rationale: string;
  evidence: Json;
  confidence: number | null;
  status: ProposalStatus;
  applied_version_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DatabaseSchema {
  projects: ProjectsTable;
  epics: EpicsTable;
  tasks: TasksTable;
  tests: TestsTable;
  sessions: SessionsTable;
  session_events: SessionEventsTable;
  quality_checks: QualityChecksTable;
  prompt_versions: PromptVersionsTable;
  prompt_analyses: PromptAnalysesTable;
  prompt_proposals: PromptProposalsTable;
}

export type ProjectRow = Selectable<ProjectsTable>;
export type EpicRow = Selectable<EpicsTable>;
export type TaskRow = Selectable<TasksTable>;
export type TestRow = Selectable<TestsTable>;
export type SessionRow = Selectable<SessionsTable>;
export type NewSessionRow = Insertable<SessionsTable>;
export type SessionUpdate = Updateable<SessionsTable>;
