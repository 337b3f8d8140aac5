/**
 * What a WebSocket message changes in the UI's query cache (web/lib/queries.ts): a message that
 * carries the new state (a project's view, a task's line) is written into the cache; any other
 * change invalidates the keys it touches, so only the queries on screen are read again. The
 * invalidations of a burst are gathered and sent once, 300 ms after its first message, so a
 * session that streams many events a second causes a few reads, not one per event.
 */
import type { QueryClient, QueryKey } from "@tanstack/react-query";
import { keys } from "./queries";
import type { Envelope, EnvelopeOf, Project, TaskSummary } from "./types";

const BATCH_MS = 300;

const pending = new WeakMap<
  QueryClient,
  { keys: Map<string, QueryKey>; timer: ReturnType<typeof setTimeout> }
>();

/** Invalidates `key` (and every key under it) within BATCH_MS, once however often it is asked. */
export function invalidateSoon(queries: QueryClient, key: QueryKey): void {
  let batch = pending.get(queries);
  if (!batch) {
    const gathered = new Map<string, QueryKey>();
    batch = {
      keys: gathered,
      timer: setTimeout(() => {
        pending.delete(queries);
        for (const k of gathered.values()) void queries.invalidateQueries({ queryKey: k });
      }, BATCH_MS),
    };
    pending.set(queries, batch);
  }
  batch.keys.set(JSON.stringify(key), key);
}

/** A project's new view, in its own query and in the list of projects. */
function putProject(queries: QueryClient, project: Project): void {
  queries.setQueryData(keys.project(project.id), project);
  queries.setQueryData<Project[]>(keys.projects, (list) => {
    if (!list) return list;
    return list.some((p) => p.id === project.id)
      ? list.map((p) => (p.id === project.id ? project : p))
      : [...list, project];
  });
}

/** A message of a project's stream (`/api/ws?project=ID`). */
export function applyProjectMessage(queries: QueryClient, projectId: number, e: Envelope): void {
  if (e.session_id !== undefined) invalidateSoon(queries, keys.session(projectId, e.session_id));
  switch (e.type) {
    case "snapshot":
      if (e.payload.scope === "project") putProject(queries, e.payload.project as Project);
      return;
    case "project_updated":
      putProject(queries, e.payload);
      return;
    case "progress":
      queries.setQueryData<Project>(keys.project(projectId), (p) => p && { ...p, progress: e.payload });
      return;
    case "task_updated":
      updateTaskLine(queries, projectId, e);
      return;
    case "test_updated":
      invalidateSoon(queries, keys.task(projectId, e.payload.task_id));
      invalidateSoon(queries, keys.coverage(projectId));
      return;
    case "session_started":
    case "session_ended":
    case "run_stopped":
    case "project_complete":
      invalidateSoon(queries, keys.sessions(projectId));
      invalidateSoon(queries, keys.quality(projectId));
      return;
    case "review_complete":
      invalidateSoon(queries, keys.quality(projectId));
      invalidateSoon(queries, keys.sessions(projectId));
      return;
    case "reset":
      invalidateSoon(queries, keys.project(projectId));
      return;
    default:
      return;
  }
}

/** A task's new line replaces its old one; a task the list does not have yet means a re-read. */
function updateTaskLine(queries: QueryClient, projectId: number, e: EnvelopeOf<"task_updated">): void {
  const line = e.payload as TaskSummary;
  const list = queries.getQueryData<TaskSummary[]>(keys.tasks(projectId));
  if (list?.some((t) => t.id === line.id))
    queries.setQueryData(
      keys.tasks(projectId),
      list.map((t) => (t.id === line.id ? line : t)),
    );
  else invalidateSoon(queries, keys.tasks(projectId));
  invalidateSoon(queries, keys.task(projectId, line.id));
  invalidateSoon(queries, keys.epics(projectId));
  invalidateSoon(queries, keys.coverage(projectId));
}

/** A message of the global stream (`/api/ws`). */
export function applyGlobalMessage(queries: QueryClient, e: Envelope): void {
  switch (e.type) {
    case "snapshot":
      if (e.payload.scope === "global") {
        const projects = e.payload.projects as Project[];
        queries.setQueryData(keys.projects, projects);
        for (const p of projects) queries.setQueryData(keys.project(p.id), p);
      }
      return;
    case "project_updated":
      putProject(queries, e.payload);
      invalidateSoon(queries, keys.capacity);
      return;
    case "project_deleted":
      queries.setQueryData<Project[]>(keys.projects, (list) => list?.filter((p) => p.id !== e.payload.id));
      queries.removeQueries({ queryKey: keys.project(e.payload.id) });
      return;
    case "session_ended":
      // A version's figures (sessions run, ratings, cost) count this session.
      invalidateSoon(queries, keys.promptVersions);
      invalidateSoon(queries, keys.capacity);
      return;
    case "analysis_complete":
      invalidateSoon(queries, keys.analyses);
      invalidateSoon(queries, keys.promptVersions);
      return;
    default:
      return;
  }
}
