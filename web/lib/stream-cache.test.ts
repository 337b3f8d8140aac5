/**
 * The web's data layer: what a WebSocket message does to the query cache (web/lib/stream-cache.ts)
 * — state carried by the message is written in place, anything else invalidates by key, and a
 * burst of messages invalidates each key once.
 */
import { type InvalidateQueryFilters, QueryClient } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { keys } from "./queries";
import { applyGlobalMessage, applyProjectMessage } from "./stream-cache";
import type { Envelope, Project, TaskSummary } from "./types";

const at = { v: 1 as const, project_id: 7, seq: 1, ts: "2026-12-07T00:00:00.000Z" };

function line(id: number, status: TaskSummary["status"]): TaskSummary {
  return {
    id,
    epic_id: 1,
    description: `task ${id}`,
    status,
    priority: 1,
    tests: { passing: 0, failing: 0, total: 1 },
  };
}

function project(id: number, name: string): Project {
  return { id, name } as Project;
}

let queries: QueryClient;
let invalidated: string[];

beforeEach(() => {
  vi.useFakeTimers();
  queries = new QueryClient();
  invalidated = [];
  const invalidate = queries.invalidateQueries.bind(queries);
  queries.invalidateQueries = ((filters?: InvalidateQueryFilters) => {
    invalidated.push(JSON.stringify(filters?.queryKey));
    return invalidate(filters);
  }) as typeof queries.invalidateQueries;
});

afterEach(() => {
  vi.useRealTimers();
  queries.clear();
});

describe("the stream's effect on the query cache", () => {
  it("writes a task's new line into the plan's list, and invalidates that task, the epics and coverage once per burst", async () => {
    queries.setQueryData(keys.tasks(7), [line(1, "pending"), line(2, "pending")]);
    const updated: Envelope = { ...at, type: "task_updated", payload: line(2, "done") };
    applyProjectMessage(queries, 7, updated);
    applyProjectMessage(queries, 7, { ...updated, seq: 2 });

    expect(queries.getQueryData<TaskSummary[]>(keys.tasks(7))?.map((t) => t.status)).toEqual([
      "pending",
      "done",
    ]);
    expect(invalidated).toEqual([]); // gathered, not yet sent
    await vi.advanceTimersByTimeAsync(300);
    expect(invalidated.sort()).toEqual(
      [keys.task(7, 2), keys.epics(7), keys.coverage(7)].map((k) => JSON.stringify(k)).sort(),
    );
  });

  it("re-reads the task list when a task it does not hold arrives (a task added to the plan)", async () => {
    queries.setQueryData(keys.tasks(7), [line(1, "pending")]);
    applyProjectMessage(queries, 7, { ...at, type: "task_updated", payload: line(9, "pending") });
    await vi.advanceTimersByTimeAsync(300);
    expect(invalidated).toContain(JSON.stringify(keys.tasks(7)));
  });

  it("invalidates a session (its metrics and logs) for each of its events, and the sessions list when one ends", async () => {
    applyProjectMessage(queries, 7, {
      ...at,
      session_id: 3,
      type: "assistant_text",
      payload: { text: "working" },
    });
    applyProjectMessage(queries, 7, {
      ...at,
      session_id: 3,
      type: "session_ended",
      payload: { session_number: 2, status: "completed", reason: null, duration_ms: 10, metrics: {} },
    });
    await vi.advanceTimersByTimeAsync(300);
    expect(invalidated.sort()).toEqual(
      [keys.session(7, 3), keys.sessions(7), keys.quality(7)].map((k) => JSON.stringify(k)).sort(),
    );
  });

  it("keeps the project list in step with the global stream: new, changed and deleted projects", async () => {
    queries.setQueryData(keys.projects, [project(1, "a")]);
    applyGlobalMessage(queries, { ...at, project_id: 2, type: "project_updated", payload: project(2, "b") });
    applyGlobalMessage(queries, { ...at, project_id: 1, type: "project_updated", payload: project(1, "a2") });
    expect(queries.getQueryData<Project[]>(keys.projects)?.map((p) => p.name)).toEqual(["a2", "b"]);
    expect(queries.getQueryData<Project>(keys.project(2))?.name).toBe("b");
    // A project that changed may have started or ended a run: the capacity line is read again, once.
    await vi.advanceTimersByTimeAsync(300);
    expect(invalidated).toEqual([JSON.stringify(keys.capacity)]);

    applyGlobalMessage(queries, {
      ...at,
      project_id: 2,
      type: "project_deleted",
      payload: { id: 2, name: "b" },
    });
    expect(queries.getQueryData<Project[]>(keys.projects)?.map((p) => p.name)).toEqual(["a2"]);
    expect(queries.getQueryData(keys.project(2))).toBeUndefined();
  });

  it("applies a project's progress to its view without a read", () => {
    queries.setQueryData(keys.project(7), {
      id: 7,
      name: "p",
      progress: { finished: false },
    } as unknown as Project);
    const progress = { finished: true } as unknown as Project["progress"];
    applyProjectMessage(queries, 7, { ...at, type: "progress", payload: progress });
    expect(queries.getQueryData<Project>(keys.project(7))?.progress).toEqual({ finished: true });
    expect(invalidated).toEqual([]);
  });
});
