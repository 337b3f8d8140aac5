"use client";
import { useQueryClient } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useEffect, useState } from "react";
import { useToast } from "@/components/toasts";
import {
  Banner,
  Card,
  dangerButton,
  LiveBadge,
  ProgressBars,
  primaryButton,
  StatusBadge,
  secondaryButton,
} from "@/components/ui";
import { client } from "@/lib/api";
import { time, usd } from "@/lib/format";
import { keys, useInfo, useProject, useProjectEnv, useProjectSettings } from "@/lib/queries";
import { useProjectStream } from "@/lib/use-project-stream";
import { LiveTab } from "./live-tab";
import { PlanTab } from "./plan-tab";

// Tabs and dialogs a project page does not show on load come with their code (first-load JS stays small).
const Loading = () => <p aria-busy="true">Loading…</p>;
const SessionsTab = dynamic(() => import("./sessions-tab").then((m) => m.SessionsTab), { loading: Loading });
const QualityTab = dynamic(() => import("./quality-tab").then((m) => m.QualityTab), { loading: Loading });
const SettingsTab = dynamic(() => import("./settings-tab").then((m) => m.SettingsTab), { loading: Loading });
const EnvTab = dynamic(() => import("./env-tab").then((m) => m.EnvTab), { loading: Loading });
const ResetDialog = dynamic(() => import("./project-dialogs").then((m) => m.ResetDialog));
const DeleteDialog = dynamic(() => import("./project-dialogs").then((m) => m.DeleteDialog));
const StartCodingDialog = dynamic(() => import("./project-dialogs").then((m) => m.StartCodingDialog));

type Tab = "live" | "plan" | "sessions" | "quality" | "settings" | "environment";
const TABS: Tab[] = ["live", "plan", "sessions", "quality", "settings", "environment"];

export function ProjectView({ id }: { id: number }) {
  const toast = useToast();
  const queries = useQueryClient();
  // The project as the REST API read it, then as its stream tells (web/lib/stream-cache.ts).
  const { data: project, error } = useProject(id);
  const { data: info } = useInfo();
  const { data: settings } = useProjectSettings(id);
  const { data: env } = useProjectEnv(id);
  const [tab, setTab] = useState<Tab>("plan");
  const [busy, setBusy] = useState(false);
  const [dialog, setDialog] = useState<"reset" | "delete" | "start" | null>(null);
  const stream = useProjectStream(id);
  useEffect(() => {
    if (project?.running_session) setTab("live");
  }, [project?.running_session]);

  if (!project) return error ? <p role="alert">{error.message}</p> : <p aria-busy="true">Loading project…</p>;
  const p = project;
  const running = p.running_session;
  /** The sandbox this project's sessions run in: its own setting, else the server's config. */
  const sandbox = settings ? (settings.sandbox ?? settings.defaults.sandbox) : null;
  const missingEnv = (env?.variables ?? []).filter((v) => v.required && !v.set).map((v) => v.name);

  const act = async (what: string, call: () => Promise<unknown>, then?: Tab) => {
    setBusy(true);
    try {
      const result = (await call()) as { data?: { queued?: boolean; message?: string } } | undefined;
      // A start through the job queue that no worker took yet says why it waits.
      const queued = result?.data?.queued === true ? result.data.message : undefined;
      toast("success", queued ?? what);
      if (queued) await queries.invalidateQueries({ queryKey: keys.capacity });
      await queries.invalidateQueries({ queryKey: keys.project(id) });
      if (then) setTab(then);
    } catch (error) {
      toast("error", (error as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const path = { params: { path: { id } } };
  const hasPlan = p.progress.tasks.total > 0;

  return (
    <section className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold break-all">{p.name}</h1>
        <StatusBadge status={p.status} />
        {running && <LiveBadge />}
        <span className="text-sm text-slate-600 dark:text-slate-300">
          {usd(p.total_cost_usd)}
          {p.budget_usd !== null && ` of ${usd(p.budget_usd)}`}
        </span>
      </div>

      <div className="flex flex-col gap-2">
        {sandbox === "none" && (
          <Banner kind="error">
            <strong>The sandbox is off for this project.</strong> Its sessions run shell commands unconfined
            on the server's machine (sandbox.type: none), with only Baton's command policy between them and
            your files, keys and other projects.{" "}
            <button type="button" className="underline" onClick={() => setTab("settings")}>
              Turn it on in the Settings tab
            </button>
          </Banner>
        )}
        {info?.credentials.problem && (
          <Banner kind="warn">
            <strong>No Claude credentials:</strong> {info.credentials.problem}
          </Banner>
        )}
        {info?.credentials.label && (
          <Banner kind={info.credentials.warnings.length > 0 ? "warn" : "info"}>
            Sessions use {info.credentials.label}
            {info.credentials.kind === "api_key" && ": billed per token by the Anthropic API"}
            {info.credentials.kind === "oauth_token" && ": counted against your Claude subscription"}.
            {info.credentials.warnings.map((w) => (
              <span key={w} className="block">
                {w}
              </span>
            ))}
          </Banner>
        )}
        {missingEnv.length > 0 && (
          <Banner kind="warn">
            Environment variables still needed: {missingEnv.join(", ")}.{" "}
            <button type="button" className="underline" onClick={() => setTab("environment")}>
              Set them in the Environment tab
            </button>
          </Banner>
        )}
        {p.paused_until && <Banner kind="warn">Paused on a rate limit until {time(p.paused_until)}.</Banner>}
        {p.budget_usd !== null && p.total_cost_usd >= p.budget_usd * 0.9 && (
          <Banner kind="warn">
            The budget is nearly spent ({usd(p.total_cost_usd)} of {usd(p.budget_usd)}).
          </Banner>
        )}
        {p.status === "complete" && (
          <Banner kind="success">Complete: every task is done and every test passes.</Banner>
        )}
        {p.stop_after_current && running && (
          <Banner kind="info">The run stops when session {running.number} ends.</Banner>
        )}
        {!hasPlan && !running && (
          <Banner kind="info">
            This project has no plan yet. Initialize it: a planning session reads the spec and writes epics,
            tasks and tests.
          </Banner>
        )}
      </div>

      <fieldset className="flex flex-wrap gap-2">
        <legend className="sr-only">Project actions</legend>
        {!running && !hasPlan && (
          <button
            type="button"
            className={primaryButton}
            disabled={busy}
            onClick={() =>
              act(
                "Initialization started",
                () => client.POST("/api/projects/{id}/initialize", { ...path, body: {} }),
                "live",
              )
            }
          >
            Initialize
          </button>
        )}
        {running?.type === "initializer" && (
          <button
            type="button"
            className={secondaryButton}
            disabled={busy}
            onClick={() =>
              act("Cancelling initialization", () =>
                client.POST("/api/projects/{id}/initialize/cancel", path),
              )
            }
          >
            Cancel initialization
          </button>
        )}
        {!running && hasPlan && !p.progress.finished && (
          <button type="button" className={primaryButton} disabled={busy} onClick={() => setDialog("start")}>
            Start coding
          </button>
        )}
        {running && (
          <button
            type="button"
            className={dangerButton}
            disabled={busy}
            onClick={() =>
              act("Stopping the session", () =>
                client.POST("/api/projects/{id}/sessions/{sid}/stop", {
                  params: { path: { id, sid: running.id } },
                }),
              )
            }
          >
            Stop now
          </button>
        )}
        {running?.type === "coding" && !p.stop_after_current && (
          <button
            type="button"
            className={secondaryButton}
            disabled={busy}
            onClick={() =>
              act("The run stops after this session", () =>
                client.POST("/api/projects/{id}/stop-after-current", path),
              )
            }
          >
            Stop after current
          </button>
        )}
        {!running && hasPlan && (
          <button
            type="button"
            className={secondaryButton}
            disabled={busy}
            onClick={() => setDialog("reset")}
          >
            Reset
          </button>
        )}
        {!running && (
          <button
            type="button"
            className={secondaryButton}
            disabled={busy}
            onClick={() => setDialog("delete")}
          >
            Delete
          </button>
        )}
      </fieldset>
      {dialog === "reset" && <ResetDialog project={p} onClose={() => setDialog(null)} />}
      {dialog === "delete" && <DeleteDialog project={p} onClose={() => setDialog(null)} />}
      {dialog === "start" && (
        <StartCodingDialog
          project={p}
          defaultModel={info?.models.coding}
          onClose={() => setDialog(null)}
          onStart={(body) => {
            setDialog(null);
            act(
              "Coding started",
              () => client.POST("/api/projects/{id}/coding/start", { ...path, body }),
              "live",
            );
          }}
        />
      )}

      <Card className="grid gap-3 sm:grid-cols-2">
        <ProgressBars progress={p.progress} />
      </Card>

      <div
        role="tablist"
        aria-label="Project views"
        className="flex gap-1 overflow-x-auto border-b border-slate-200 dark:border-slate-800"
      >
        {TABS.map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            id={`tab-${t}`}
            aria-selected={tab === t}
            aria-controls={`panel-${t}`}
            onClick={() => setTab(t)}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium capitalize ${tab === t ? "border-sky-600 text-sky-800 dark:text-sky-300" : "border-transparent text-slate-600 dark:text-slate-300"}`}
          >
            {t}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === "live" && <LiveTab project={p} stream={stream} />}
        {tab === "plan" && <PlanTab projectId={p.id} />}
        {tab === "sessions" && <SessionsTab projectId={p.id} />}
        {tab === "settings" && <SettingsTab projectId={p.id} />}
        {tab === "quality" && <QualityTab projectId={p.id} />}
        {tab === "environment" && <EnvTab projectId={p.id} />}
      </div>
      <p className="text-xs text-slate-500 dark:text-slate-400">
        <Link href="/" className="underline">
          All projects
        </Link>{" "}
        · folder {p.directory}
      </p>
    </section>
  );
}
