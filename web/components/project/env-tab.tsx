"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useToast } from "@/components/toasts";
import { inputClass, primaryButton, secondaryButton } from "@/components/ui";
import { client, data } from "@/lib/api";
import { keys, useProjectEnv } from "@/lib/queries";
import type { ProjectEnv as EnvAnswer } from "@/lib/types";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The project's .env over .env.example (GET/PUT …/env). Values come masked; only the fields the
 * user types into are sent, so a masked value is never written back.
 */
export function EnvTab({ projectId }: { projectId: number }) {
  const { data: env, error } = useProjectEnv(projectId);
  if (!env) return error ? <p role="alert">{error.message}</p> : <p aria-busy="true">Loading environment…</p>;
  return <EnvForm projectId={projectId} env={env} />;
}

function EnvForm({ projectId, env }: { projectId: number; env: EnvAnswer }) {
  const toast = useToast();
  const queries = useQueryClient();
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [newName, setNewName] = useState("");
  const [newValue, setNewValue] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const newNameBad = newName !== "" && !NAME.test(newName);
  const changed = Object.keys(edits).length > 0 || (newName !== "" && !newNameBad);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const values: Record<string, string> = { ...edits };
      if (newName && !newNameBad) values[newName] = newValue;
      const saved = await data(
        client.PUT("/api/projects/{id}/env", { params: { path: { id: projectId } }, body: { values } }),
      );
      // The project page's banner of missing variables reads the same query.
      queries.setQueryData(keys.env(projectId), saved);
      setEdits({});
      setNewName("");
      setNewValue("");
      toast("success", "Environment saved");
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const missing = env.variables.filter((v) => v.required && !v.set).length;
  return (
    <form
      className="flex max-w-2xl flex-col gap-3 pt-3 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      {!env.files.example && (
        <p className="text-slate-600 dark:text-slate-300">
          The project has no <code>.env.example</code> yet; variables added here go to its <code>.env</code>.
        </p>
      )}
      {missing > 0 && (
        <p role="status" className="text-amber-800 dark:text-amber-200">
          {missing} required variable{missing === 1 ? "" : "s"} still need{missing === 1 ? "s" : ""} a value.
        </p>
      )}
      {env.variables.length > 0 && (
        <ul className="flex flex-col gap-3" aria-label="Variables">
          {env.variables.map((v) => (
            <li key={v.name} className="flex flex-col gap-1">
              <label htmlFor={`env-${v.name}`} className="font-mono font-medium">
                {v.name}
                {v.required && (
                  <span className="ml-2 font-sans text-xs text-red-700 dark:text-red-300">required</span>
                )}
                {!v.set && (
                  <span className="ml-2 font-sans text-xs text-slate-600 dark:text-slate-300">not set</span>
                )}
              </label>
              {v.comment && <p className="text-xs text-slate-600 dark:text-slate-300">{v.comment}</p>}
              <input
                id={`env-${v.name}`}
                className={inputClass}
                type="password"
                autoComplete="off"
                value={edits[v.name] ?? ""}
                placeholder={v.set ? (v.value ?? "") : "not set"}
                onChange={(e) => setEdits((x) => ({ ...x, [v.name]: e.target.value }))}
              />
            </li>
          ))}
        </ul>
      )}
      <fieldset className="grid gap-2 sm:grid-cols-2">
        <legend className="mb-1 font-medium">Add a variable</legend>
        <div>
          <label htmlFor="env-new-name" className="text-xs">
            Name
          </label>
          <input
            id="env-new-name"
            className={`${inputClass} font-mono`}
            value={newName}
            aria-invalid={newNameBad}
            onChange={(e) => setNewName(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor="env-new-value" className="text-xs">
            Value
          </label>
          <input
            id="env-new-value"
            className={inputClass}
            type="password"
            autoComplete="off"
            value={newValue}
            onChange={(e) => setNewValue(e.target.value)}
          />
        </div>
        {newNameBad && (
          <p role="alert" className="text-red-700 sm:col-span-2 dark:text-red-300">
            A name is letters, digits and _, not starting with a digit.
          </p>
        )}
      </fieldset>
      {error && (
        <p role="alert" className="text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
      <div className="flex gap-2">
        <button type="submit" className={primaryButton} disabled={busy || !changed}>
          Save environment
        </button>
        <button
          type="button"
          className={secondaryButton}
          disabled={busy || !changed}
          onClick={() => {
            setEdits({});
            setNewName("");
            setNewValue("");
          }}
        >
          Discard changes
        </button>
      </div>
    </form>
  );
}
