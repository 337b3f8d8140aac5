"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useToast } from "@/components/toasts";
import { inputClass, primaryButton } from "@/components/ui";
import { client, data } from "@/lib/api";
import { keys, useProjectSettings } from "@/lib/queries";
import type { ProjectSettings as Settings } from "@/lib/types";

type Form = Record<"initializer_model" | "coding_model" | "sandbox" | "max_sessions" | "budget_usd", string>;

function formOf(s: Settings): Form {
  return {
    initializer_model: s.initializer_model ?? "",
    coding_model: s.coding_model ?? "",
    sandbox: s.sandbox ?? "",
    max_sessions: s.max_sessions === null ? "" : String(s.max_sessions),
    budget_usd: s.budget_usd === null ? "" : String(s.budget_usd),
  };
}

/** The project's models, sandbox, max sessions per run and budget (GET/PUT …/settings); empty means the config's default. */
export function SettingsTab({ projectId }: { projectId: number }) {
  const { data: settings, error } = useProjectSettings(projectId);
  if (!settings)
    return error ? <p role="alert">{error.message}</p> : <p aria-busy="true">Loading settings…</p>;
  return <SettingsForm projectId={projectId} settings={settings} />;
}

function SettingsForm({ projectId, settings }: { projectId: number; settings: Settings }) {
  const toast = useToast();
  const queries = useQueryClient();
  const [form, setForm] = useState(() => formOf(settings));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const saved = await data(
        client.PUT("/api/projects/{id}/settings", {
          params: { path: { id: projectId } },
          body: {
            initializer_model: form.initializer_model.trim() || null,
            coding_model: form.coding_model.trim() || null,
            sandbox: (form.sandbox || null) as Settings["sandbox"],
            max_sessions: form.max_sessions.trim() ? Number(form.max_sessions) : null,
            budget_usd: form.budget_usd.trim() ? Number(form.budget_usd) : null,
          },
        }),
      );
      queries.setQueryData(keys.settings(projectId), saved);
      setForm(formOf(saved));
      toast("success", "Settings saved");
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const field = (key: keyof Form) => ({
    id: `settings-${key}`,
    className: inputClass,
    value: form[key],
    onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value })),
  });
  return (
    <form
      className="grid max-w-xl gap-3 pt-3 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <label htmlFor="settings-initializer_model" className="font-medium">
        Planning model
      </label>
      <input {...field("initializer_model")} placeholder={settings.defaults.initializer_model} />
      <label htmlFor="settings-coding_model" className="font-medium">
        Coding model
      </label>
      <input {...field("coding_model")} placeholder={settings.defaults.coding_model} />
      <label htmlFor="settings-sandbox" className="font-medium">
        Sandbox
      </label>
      <select {...field("sandbox")}>
        <option value="">default ({settings.defaults.sandbox})</option>
        <option value="os">os</option>
        <option value="docker">docker</option>
        <option value="none">none</option>
      </select>
      <label htmlFor="settings-max_sessions" className="font-medium">
        Max sessions per run
      </label>
      <input
        {...field("max_sessions")}
        type="number"
        min={1}
        step={1}
        placeholder={
          settings.defaults.max_sessions === null ? "no limit" : `default (${settings.defaults.max_sessions})`
        }
      />
      <label htmlFor="settings-budget_usd" className="font-medium">
        Budget (USD)
      </label>
      <input {...field("budget_usd")} type="number" min={0} step="0.01" placeholder="no budget" />
      <p className="text-xs text-slate-600 dark:text-slate-300">Empty fields use the server's defaults.</p>
      {error && (
        <p role="alert" className="text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
      <div>
        <button type="submit" className={primaryButton} disabled={busy}>
          Save settings
        </button>
      </div>
    </form>
  );
}
