/**
 * The API's shapes the UI reads, derived from web/lib/api.gen.ts: the types openapi-typescript
 * generates from the server's OpenAPI document (`npm run api:types`; a test fails when the file
 * is out of date). Nothing here is written by hand but what that document does not describe
 * (see the end of the file). Types only: nothing of this reaches the browser bundle.
 */
import type { components, paths } from "./api.gen";

/** The JSON body of a route's 200 answer. */
type Json<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: { 200: { content: { "application/json": infer T } } };
}
  ? T
  : never;

/** The element type of an array. */
type Item<A> = A extends readonly (infer T)[] ? T : never;

// Projects: GET /api/projects/{id} (each of GET /api/projects has the same shape).

export type Project = Json<"/api/projects/{id}", "get">;
export type ProjectStatus = Project["status"];
export type Progress = Project["progress"];

/** POST /api/projects (multipart): the fields of the form. */
export type NewProjectForm = paths["/api/projects"]["post"]["requestBody"]["content"]["multipart/form-data"];

/** GET /api/info */
export type Info = Json<"/api/info", "get">;

/** GET /api/capacity: sessions running, runs queued, the workers and the limits. */
export type Capacity = Json<"/api/capacity", "get">;

// The plan: /api/projects/{id}/epics, /tasks, /tasks/{taskId}, /coverage.

export type Epic = Item<Json<"/api/projects/{id}/epics", "get">["epics"]>;
export type TaskSummary = Item<Json<"/api/projects/{id}/tasks", "get">["tasks"]>;
export type TaskStatus = TaskSummary["status"];
export type TaskDetail = Json<"/api/projects/{id}/tasks/{taskId}", "get">;
export type Test = Item<TaskDetail["tests"]>;
export type TestStatus = Test["status"];
export type Coverage = Json<"/api/projects/{id}/coverage", "get">;

// Sessions: an element of GET /api/projects/{id}/sessions (GET …/sessions/{sid} has these fields and more).

export type Session = Item<Json<"/api/projects/{id}/sessions", "get">["sessions"]>;
export type SessionType = Session["type"];
export type SessionStatus = Session["status"];
export type SessionMetrics = Session["metrics"];
/** GET …/sessions/{sid}/logs: one of three views (`view` tells which). */
export type SessionLogView = Json<"/api/projects/{id}/sessions/{sid}/logs", "get">;

// A project's settings and reset: GET/PUT …/settings, POST …/reset (dry_run=true: the same answer, nothing done).

export type ProjectSettings = Json<"/api/projects/{id}/settings", "get">;
export type ResetAnswer = Json<"/api/projects/{id}/reset", "post">;
export type ResetStep = Item<ResetAnswer["steps"]>;

// A project's .env: GET /api/projects/{id}/env.

export type ProjectEnv = Json<"/api/projects/{id}/env", "get">;
export type EnvVariable = Item<ProjectEnv["variables"]>;

// Quality: GET /api/projects/{id}/quality and /sessions/{sid}/quality.

export type QualitySummary = Json<"/api/projects/{id}/quality", "get">;
export type DeepReviewLine = Item<QualitySummary["deep_reviews"]>;
export type SessionQuality = Json<"/api/projects/{id}/sessions/{sid}/quality", "get">;
export type QualityCheck = NonNullable<SessionQuality["quick"]>;
export type Recommendation = Item<QualityCheck["recommendations"]>;

// Prompt improvement (the /prompts page): /api/prompts, /api/analyses, /api/proposals.

/** A version as `GET /api/prompts/versions` lists it (without its text). */
export type PromptVersionLine = Item<Json<"/api/prompts/versions", "get">["versions"]>;
export type PromptName = PromptVersionLine["name"];
export type PromptVersionStats = PromptVersionLine["stats"];
export type PromptVersion = Json<"/api/prompts/versions/{name}/{version}", "get">;
export type PromptAnalysis = Item<Json<"/api/analyses", "get">["analyses"]>;
export type AnalysisStatus = PromptAnalysis["status"];
export type PromptAnalysisDetail = Json<"/api/analyses/{id}", "get">;
export type PromptProposal = Json<"/api/proposals/{id}", "get">;
export type ProposalStatus = PromptProposal["status"];

/**
 * A WebSocket message (`/api/ws`, `/api/ws?project=ID`): the document's `Envelope` schema, from
 * the server's envelope catalog (src/server/ws/envelope.ts); narrowed by `type`.
 */
export type Envelope = components["schemas"]["Envelope"];
export type EnvelopeType = Envelope["type"];
export type EnvelopeOf<T extends EnvelopeType> = Extract<Envelope, { type: T }>;

// Written by hand: what the OpenAPI document does not describe.

/**
 * A session a proposal cites: the document types a proposal's `evidence` as `unknown[]` (the
 * analysis model writes it); the UI shows the elements of this shape and skips the rest.
 */
export interface EvidenceSession {
  session_id: number;
  project_id?: number;
  project?: string;
  session_number?: number;
}
