import { z } from "zod";
import { ModelName } from "../agent/model-name.ts";

export const PROJECT_STATUSES = [
  "created",
  "initializing",
  "ready",
  "running",
  "paused",
  "complete",
  "error",
] as const;
export const ProjectStatus = z.enum(PROJECT_STATUSES);
export type ProjectStatus = z.infer<typeof ProjectStatus>;

export const PROJECT_NAME_PATTERN = /^[a-z0-9_-]+$/;
export const ProjectName = z
  .string()
  .min(1, "a project needs a name")
  .max(100, "a project name has at most 100 characters")
  .regex(PROJECT_NAME_PATTERN, "a project name uses only a-z, 0-9, _ and - (for example my-app)");

export const ProjectSettings = z.record(z.string(), z.unknown());
export type ProjectSettings = z.infer<typeof ProjectSettings>;

/**
 * What a project may set for its own runs, over the config (kept in `settings`; the API's
 * create and settings routes validate with it, the orchestrator reads it).
 */
export const ProjectRunSettings = z.strictObject({
  initializer_model: ModelName.optional(),
  coding_model: ModelName.optional(),
  sandbox: z.enum(["os", "docker", "none"]).optional(),
  /** Coding sessions per run at most, unless a run says otherwise (`project.max_iterations` otherwise). */
  max_sessions: z.number().int().min(1).max(100_000).optional(),
});
export type ProjectRunSettings = z.infer<typeof ProjectRunSettings>;

/** The run settings of a project; keys it does not know are ignored. */
export function runSettingsOf(project: Pick<Project, "settings">): ProjectRunSettings {
  const parsed = ProjectRunSettings.safeParse(
    Object.fromEntries(Object.entries(project.settings).filter(([k]) => k in ProjectRunSettings.shape)),
  );
  return parsed.success ? parsed.data : {};
}

export const Project = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  directory: z.string(),
  spec_path: z.string().nullable(),
  spec_sha256: z.string().nullable(),
  status: ProjectStatus,
  settings: ProjectSettings,
  budget_usd: z.number().nullable(),
  total_cost_usd: z.number(),
  init_commit_sha: z.string().nullable(),
  /** A person asked the run to stop once the running session ends. */
  stop_after_current: z.boolean(),
  /** The run waits on a rate limit until then. */
  paused_until: z.string().nullable(),
  completed_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Project = z.infer<typeof Project>;

export const NewProject = z.object({
  name: ProjectName,
  directory: z.string().min(1, "a project needs a directory"),
  spec_path: z.string().nullable().default(null),
  spec_sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "spec_sha256 is a 64-character lowercase hex digest")
    .nullable()
    .default(null),
  settings: ProjectSettings.default({}),
  budget_usd: z.number().positive("a budget is a positive number of US dollars").nullable().default(null),
});
export type NewProject = z.input<typeof NewProject>;

export const ProjectPatch = z
  .object({
    status: ProjectStatus,
    directory: z.string().min(1),
    spec_path: z.string().nullable(),
    spec_sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .nullable(),
    settings: ProjectSettings,
    budget_usd: z.number().positive().nullable(),
    init_commit_sha: z
      .string()
      .regex(/^[0-9a-f]{7,64}$/, "a git commit sha is 7 to 64 hex characters")
      .nullable(),
    stop_after_current: z.boolean(),
    paused_until: z.string().nullable(),
    completed_at: z.string().nullable(),
  })
  .partial();
export type ProjectPatch = z.input<typeof ProjectPatch>;
