"use client";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { Dialog } from "@/components/dialog";
import { useToast } from "@/components/toasts";
import { DialogActions, dangerButton, inputClass, primaryButton } from "@/components/ui";
import { client, data } from "@/lib/api";
import type { Project, ResetAnswer, ResetStep } from "@/lib/types";

/** What a reset keeps (the API's dry run lists what it changes). */
const KEPT = [
  "the spec and the plan (epics, tasks and tests, back to not done)",
  "the planning session (session 0) and its logs",
  "the project's settings (models, sandbox, budget)",
];

/** Reset: a dry run lists the steps, then the real run shows what each step did. */
export function ResetDialog({ project, onClose }: { project: Project; onClose: () => void }) {
  const toast = useToast();
  const [plan, setPlan] = useState<ResetStep[] | null>(null);
  const [result, setResult] = useState<ResetAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    data(
      client.POST("/api/projects/{id}/reset", {
        params: { path: { id: project.id }, query: { dry_run: "true" } },
      }),
    )
      .then((r) => setPlan(r.steps))
      .catch((e: Error) => setError(e.message));
  }, [project.id]);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await data(client.POST("/api/projects/{id}/reset", { params: { path: { id: project.id } } }));
      setResult(r);
      toast("success", "The project was reset");
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={`Reset ${project.name}?`} onClose={onClose}>
      {result ? (
        <>
          <p className="mb-2 text-sm">Each step's result:</p>
          <ul className="mb-4 flex flex-col gap-2 text-sm" aria-label="Reset results">
            {result.steps.map((s) => (
              <li key={s.name}>
                <strong>{s.name}</strong>: {s.done ?? "nothing to do"}
              </li>
            ))}
          </ul>
          <div className="flex justify-end">
            <button type="button" className={primaryButton} onClick={onClose}>
              Close
            </button>
          </div>
        </>
      ) : (
        <>
          <p className="mb-2 text-sm">The project goes back to just after planning. Reset:</p>
          {plan === null && !error && <p aria-busy="true">Loading the steps…</p>}
          {plan && (
            <ul className="mb-3 list-disc pl-5 text-sm" aria-label="What is reset">
              {plan.map((s) => (
                <li key={s.name}>{s.description}</li>
              ))}
            </ul>
          )}
          <p className="mb-2 text-sm">Kept:</p>
          <ul className="mb-4 list-disc pl-5 text-sm" aria-label="What is kept">
            {KEPT.map((k) => (
              <li key={k}>{k}</li>
            ))}
          </ul>
          <DialogActions
            error={error}
            onCancel={onClose}
            confirm={
              <button type="button" className={dangerButton} disabled={busy || plan === null} onClick={run}>
                Reset project
              </button>
            }
          />
        </>
      )}
    </Dialog>
  );
}

/** Delete: the user types the project's name; optionally the folder goes too. */
export function DeleteDialog({ project, onClose }: { project: Project; onClose: () => void }) {
  const toast = useToast();
  const router = useRouter();
  const [typed, setTyped] = useState("");
  const [files, setFiles] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await client.DELETE("/api/projects/{id}", {
        params: {
          path: { id: project.id },
          query: { confirm: typed, ...(files ? { delete_files: "true" } : {}) },
        },
      });
      toast("success", `Deleted ${project.name}`);
      router.push("/");
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <Dialog title={`Delete ${project.name}?`} onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (typed === project.name) run();
        }}
        className="flex flex-col gap-3 text-sm"
      >
        <p>
          This removes the project, its plan and its sessions from Baton. Type <strong>{project.name}</strong>{" "}
          to confirm.
        </p>
        <label htmlFor="delete-confirm" className="font-medium">
          Project name
        </label>
        <input
          id="delete-confirm"
          className={inputClass}
          value={typed}
          autoComplete="off"
          onChange={(e) => setTyped(e.target.value)}
        />
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={files} onChange={(e) => setFiles(e.target.checked)} />
          Also delete the files in {project.directory}
        </label>
        <DialogActions
          error={error}
          onCancel={onClose}
          confirm={
            <button type="submit" className={dangerButton} disabled={busy || typed !== project.name}>
              Delete project
            </button>
          }
        />
      </form>
    </Dialog>
  );
}

/** Start coding with a model and a session limit (both optional). */
export function StartCodingDialog({
  project,
  defaultModel,
  onClose,
  onStart,
}: {
  project: Project;
  defaultModel: string | undefined;
  onClose: () => void;
  onStart: (body: { model?: string; max_iterations?: number | null }) => void;
}) {
  const [model, setModel] = useState("");
  const [max, setMax] = useState("");
  const placeholder = project.settings.coding_model ?? defaultModel ?? "";
  return (
    <Dialog title="Start coding" onClose={onClose}>
      <form
        className="flex flex-col gap-3 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          const body: { model?: string; max_iterations?: number } = {};
          if (model.trim()) body.model = model.trim();
          if (max.trim()) body.max_iterations = Number(max);
          onStart(body);
        }}
      >
        <label htmlFor="start-model" className="font-medium">
          Model
        </label>
        <input
          id="start-model"
          className={inputClass}
          value={model}
          placeholder={placeholder}
          aria-describedby="start-model-hint"
          onChange={(e) => setModel(e.target.value)}
        />
        <p id="start-model-hint" className="text-xs text-slate-600 dark:text-slate-300">
          Empty: the project's model{placeholder && ` (${placeholder})`}.
        </p>
        <label htmlFor="start-max" className="font-medium">
          Max sessions
        </label>
        <input
          id="start-max"
          type="number"
          min={1}
          step={1}
          className={inputClass}
          value={max}
          aria-describedby="start-max-hint"
          onChange={(e) => setMax(e.target.value)}
        />
        <p id="start-max-hint" className="text-xs text-slate-600 dark:text-slate-300">
          Empty: the configured limit.
        </p>
        <DialogActions
          error={null}
          onCancel={onClose}
          confirm={
            <button type="submit" className={primaryButton}>
              Start
            </button>
          }
        />
      </form>
    </Dialog>
  );
}
