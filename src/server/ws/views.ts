/**
 * What streams read from the stores: snapshots, and the current task, test and progress sent
 * after a task tool changed them. Projects, tasks and progress have the shapes the REST routes
 * answer with, so a client keeps one model of each.
 */
import type { Stores } from "../../db/stores/index.ts";
import { summarizeTask } from "../../db/stores/plan-reader.ts";
import { progressSummary } from "../../plan/progress.ts";
import { taskLine } from "../../projects/status-report.ts";
import { readProjectView } from "../project-view.ts";
import { type Envelope, envelope } from "./envelope.ts";
import { asBatonEvent, type PlanChange, toEnvelope } from "./map-event.ts";

export { readProjectView, readProjectViews } from "../project-view.ts";

/** How many of the newest events a project snapshot carries (before leaving out unstreamed ones). */
export const SNAPSHOT_EVENTS = 50;

/** A project's newest streamed events and the id of the newest event they account for. */
export async function latestEnvelopes(
  stores: Stores,
  projectId: number,
): Promise<{ events: Envelope[]; seq: number }> {
  const rows = await stores.sessions.latestProjectEvents(projectId, SNAPSHOT_EVENTS);
  const events: Envelope[] = [];
  for (const row of rows) {
    const event = asBatonEvent(row);
    const mapped = event && toEnvelope(event);
    if (mapped) events.push(mapped);
  }
  return { events, seq: rows.at(-1)?.id ?? 0 };
}

/** The `project_updated` envelope of a project, as it is now. */
export async function projectUpdated(
  stores: Stores,
  projectId: number,
  at: { seq: number; ts: string },
): Promise<Envelope<"project_updated">> {
  return envelope(
    "project_updated",
    { project_id: projectId, ...at },
    await readProjectView(stores, projectId),
  );
}

/**
 * The envelopes that follow a plan change: each changed test (found through its task) and task as
 * it is now, then the project's progress, all with the `seq` of the event that caused them.
 */
export async function planChangeEnvelopes(
  stores: Stores,
  projectId: number,
  change: PlanChange,
  at: { seq: number; session_id: number | null; ts: string },
): Promise<Envelope[]> {
  const where = { project_id: projectId, session_id: at.session_id, seq: at.seq, ts: at.ts };
  const out: Envelope[] = [];
  const testIds = new Set(change.testIds);
  for (const taskId of new Set(change.taskIds)) {
    const task = await stores.plan.getTask(projectId, taskId).catch(() => null);
    if (!task) continue;
    for (const test of task.tests) if (testIds.has(test.id)) out.push(envelope("test_updated", where, test));
    out.push(envelope("task_updated", where, taskLine(summarizeTask(task))));
  }
  out.push(envelope("progress", where, progressSummary(await stores.plan.progress(projectId))));
  return out;
}
