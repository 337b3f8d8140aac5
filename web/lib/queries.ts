"use client";
/**
 * One hook per resource the UI reads, over the typed client (TanStack Query caches, dedupes and
 * drops stale answers). Keys nest under the project, so the event streams invalidate by prefix
 * (web/lib/stream-cache.ts): `keys.plan(id)` covers epics, tasks, each task and coverage.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { client, data } from "./api";
import type { PromptName, SessionLogView, SessionType, TaskSummary } from "./types";

export const keys = {
  info: ["info"] as const,
  capacity: ["capacity"] as const,
  projects: ["projects"] as const,
  project: (id: number) => ["project", id] as const,
  settings: (id: number) => ["project", id, "settings"] as const,
  env: (id: number) => ["project", id, "env"] as const,
  plan: (id: number) => ["project", id, "plan"] as const,
  epics: (id: number) => ["project", id, "plan", "epics"] as const,
  tasks: (id: number) => ["project", id, "plan", "tasks"] as const,
  task: (id: number, taskId: number) => ["project", id, "plan", "task", taskId] as const,
  coverage: (id: number) => ["project", id, "plan", "coverage"] as const,
  sessions: (id: number) => ["project", id, "sessions"] as const,
  sessionList: (id: number, type?: SessionType) =>
    ["project", id, "sessions", "list", type ?? "all"] as const,
  session: (id: number, sid: number) => ["project", id, "sessions", sid] as const,
  sessionLogs: (id: number, sid: number, view: SessionLogView["view"]) =>
    ["project", id, "sessions", sid, "logs", view] as const,
  quality: (id: number) => ["project", id, "quality"] as const,
  sessionQuality: (id: number, sid: number) => ["project", id, "quality", "session", sid] as const,
  prompts: ["prompts"] as const,
  promptVersions: ["prompts", "versions"] as const,
  promptVersion: (name: PromptName, version: number) => ["prompts", "versions", name, version] as const,
  analyses: ["analyses"] as const,
  analysis: (id: number) => ["analyses", id] as const,
};

/** GET /api/info: the server's models, credentials and limits. */
export const useInfo = () =>
  useQuery({ queryKey: keys.info, queryFn: ({ signal }) => data(client.GET("/api/info", { signal })) });

/**
 * GET /api/capacity: sessions running, runs queued, the workers. The streams invalidate it as
 * projects change; it is also read again every 10 s, for the workers' heartbeats (no event).
 */
export const useCapacity = () =>
  useQuery({
    queryKey: keys.capacity,
    queryFn: ({ signal }) => data(client.GET("/api/capacity", { signal })),
    refetchInterval: 10_000,
  });

export const useProjects = () =>
  useQuery({
    queryKey: keys.projects,
    queryFn: ({ signal }) => data(client.GET("/api/projects", { signal })).then((r) => r.projects),
  });

export const useProject = (id: number) =>
  useQuery({
    queryKey: keys.project(id),
    queryFn: ({ signal }) => data(client.GET("/api/projects/{id}", { params: { path: { id } }, signal })),
  });

export const useProjectSettings = (id: number) =>
  useQuery({
    queryKey: keys.settings(id),
    queryFn: ({ signal }) =>
      data(client.GET("/api/projects/{id}/settings", { params: { path: { id } }, signal })),
  });

export const useProjectEnv = (id: number) =>
  useQuery({
    queryKey: keys.env(id),
    queryFn: ({ signal }) => data(client.GET("/api/projects/{id}/env", { params: { path: { id } }, signal })),
  });

export const useEpics = (id: number) =>
  useQuery({
    queryKey: keys.epics(id),
    queryFn: ({ signal }) =>
      data(client.GET("/api/projects/{id}/epics", { params: { path: { id } }, signal })).then((r) => r.epics),
  });

/** Every task of the plan, read a page of 1,000 at a time (each page's `next` is the `after` of the one after it). */
export const useTasks = (id: number) =>
  useQuery({
    queryKey: keys.tasks(id),
    queryFn: async ({ signal }) => {
      const all: TaskSummary[] = [];
      let after: string | undefined;
      for (;;) {
        const { tasks, next } = await data(
          client.GET("/api/projects/{id}/tasks", {
            params: { path: { id }, query: { limit: 1000, ...(after === undefined ? {} : { after }) } },
            signal,
          }),
        );
        all.push(...tasks);
        if (next === null) return all;
        after = next;
      }
    },
  });

export const useTask = (id: number, taskId: number) =>
  useQuery({
    queryKey: keys.task(id, taskId),
    queryFn: ({ signal }) =>
      data(client.GET("/api/projects/{id}/tasks/{taskId}", { params: { path: { id, taskId } }, signal })),
  });

export const useCoverage = (id: number) =>
  useQuery({
    queryKey: keys.coverage(id),
    queryFn: ({ signal }) =>
      data(client.GET("/api/projects/{id}/coverage", { params: { path: { id } }, signal })),
  });

export const useSessions = (id: number, type?: SessionType) =>
  useQuery({
    queryKey: keys.sessionList(id, type),
    queryFn: ({ signal }) =>
      data(
        client.GET("/api/projects/{id}/sessions", {
          params: { path: { id }, query: type ? { type } : {} },
          signal,
        }),
      ).then((r) => r.sessions),
  });

export const useSession = (id: number, sid: number) =>
  useQuery({
    queryKey: keys.session(id, sid),
    queryFn: ({ signal }) =>
      data(client.GET("/api/projects/{id}/sessions/{sid}", { params: { path: { id, sid } }, signal })),
  });

export const useSessionLogs = (id: number, sid: number, view: SessionLogView["view"]) =>
  useQuery({
    queryKey: keys.sessionLogs(id, sid, view),
    queryFn: ({ signal }) =>
      data(
        client.GET("/api/projects/{id}/sessions/{sid}/logs", {
          params: { path: { id, sid }, query: { view } },
          signal,
        }),
      ),
  });

export const useQuality = (id: number) =>
  useQuery({
    queryKey: keys.quality(id),
    queryFn: ({ signal }) =>
      data(client.GET("/api/projects/{id}/quality", { params: { path: { id } }, signal })),
  });

export const useSessionQuality = (id: number, sid: number) =>
  useQuery({
    queryKey: keys.sessionQuality(id, sid),
    queryFn: ({ signal }) =>
      data(
        client.GET("/api/projects/{id}/sessions/{sid}/quality", { params: { path: { id, sid } }, signal }),
      ),
  });

export const usePromptVersions = () =>
  useQuery({
    queryKey: keys.promptVersions,
    queryFn: ({ signal }) => data(client.GET("/api/prompts/versions", { signal })).then((r) => r.versions),
  });

/** One version of a prompt, with its text. */
export const usePromptVersion = (name: PromptName, version: number) =>
  useQuery({
    queryKey: keys.promptVersion(name, version),
    queryFn: ({ signal }) =>
      data(
        client.GET("/api/prompts/versions/{name}/{version}", { params: { path: { name, version } }, signal }),
      ),
  });

export const useAnalyses = () =>
  useQuery({
    queryKey: keys.analyses,
    queryFn: ({ signal }) => data(client.GET("/api/analyses", { signal })).then((r) => r.analyses),
  });

export const useAnalysis = (id: number) =>
  useQuery({
    queryKey: keys.analysis(id),
    queryFn: ({ signal }) => data(client.GET("/api/analyses/{id}", { params: { path: { id } }, signal })),
  });

/** After a change to prompts (a version activated, a proposal applied): versions and analyses are read again. */
export function useRefreshPrompts(): () => void {
  const queries = useQueryClient();
  return useCallback(() => {
    void queries.invalidateQueries({ queryKey: keys.prompts });
    void queries.invalidateQueries({ queryKey: keys.analyses });
  }, [queries]);
}
