import { z } from "zod";
import { Project } from "../../projects/model.ts";
import { SessionType } from "../../sessions/model.ts";
import { RunSettingsView } from "../project-settings.ts";
import { NextTask, ProgressSummary } from "./plan.ts";

/** The initializer or coding session running for a project. */
export const RunningSession = z.object({
  id: z.number().int(),
  number: z.number().int(),
  type: SessionType,
  model: z.string(),
  started_at: z.string().nullable(),
  /** The process running it (`server:HOST:PID`, `cli:HOST:PID`): a run can be in another process. */
  worker_id: z.string().nullable(),
});

/** A project as the API shows it: its row, its run settings, progress, next task and running session. */
export const ProjectView = Project.omit({ settings: true }).extend({
  settings: RunSettingsView,
  progress: ProgressSummary,
  next_task: NextTask.nullable(),
  running_session: RunningSession.nullable(),
});
export type ProjectView = z.infer<typeof ProjectView>;
