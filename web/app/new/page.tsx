"use client";
import { useRouter } from "next/navigation";
import { type DragEvent, type FormEvent, useRef, useState } from "react";
import { useToast } from "@/components/toasts";
import { Card, Field, inputClass, primaryButton, secondaryButton } from "@/components/ui";
import { client, data } from "@/lib/api";
import { useInfo } from "@/lib/queries";
import type { NewProjectForm } from "@/lib/types";

const NAME = /^[a-z0-9_-]+$/;
const ACCEPTED = /\.(md|txt)$/i;

/** `My Spec v2.md` → `my-spec-v2`. */
function nameFrom(file: string): string {
  return file
    .replace(/\.[^.]+$/, "")
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 100);
}

export default function NewProjectPage() {
  const router = useRouter();
  const toast = useToast();
  const [files, setFiles] = useState<File[]>([]);
  const [name, setName] = useState("");
  const [nameTouched, setNameTouched] = useState(false);
  const [initializerModel, setInitializerModel] = useState("");
  const [codingModel, setCodingModel] = useState("");
  const [sandbox, setSandbox] = useState("");
  const [budget, setBudget] = useState("");
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const { data: info } = useInfo();
  const input = useRef<HTMLInputElement>(null);

  const addFiles = (list: FileList | null) => {
    if (!list) return;
    const picked = [...list];
    const rejected = picked.filter((f) => !ACCEPTED.test(f.name));
    if (rejected.length)
      toast("error", `Only .md and .txt files are specs: ${rejected.map((f) => f.name).join(", ")}`);
    const good = picked.filter((f) => ACCEPTED.test(f.name));
    const next = [...files, ...good.filter((g) => !files.some((f) => f.name === g.name))];
    setFiles(next);
    if (!nameTouched && next[0]) setName(nameFrom(next[0].name));
  };

  const nameError =
    name === ""
      ? nameTouched
        ? "A name is required."
        : null
      : NAME.test(name)
        ? null
        : "Use only a–z, 0–9, - and _.";
  const budgetError =
    budget !== "" && !(Number(budget) > 0) ? "A budget is a positive number of dollars." : null;
  const canSubmit = files.length > 0 && name !== "" && !nameError && !budgetError && !busy;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!canSubmit) return;
    setBusy(true);
    setServerError(null);
    const form = new FormData();
    form.append("name", name);
    if (initializerModel) form.append("initializer_model", initializerModel);
    if (codingModel) form.append("coding_model", codingModel);
    if (sandbox) form.append("sandbox", sandbox);
    if (budget) form.append("budget_usd", budget);
    for (const f of files) form.append("spec", f, f.name);
    try {
      // The document types the spec files as strings (binary); the browser sends the FormData as is.
      const body = form as unknown as NewProjectForm;
      const project = await data(client.POST("/api/projects", { body }));
      toast("success", `Project ${project.name} created`);
      router.push(`/project?id=${project.id}`);
    } catch (error) {
      setServerError((error as Error).message);
      setBusy(false);
    }
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    addFiles(event.dataTransfer.files);
  };

  return (
    <section className="mx-auto max-w-2xl">
      <h1 className="text-2xl font-bold">New project</h1>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
        Give Baton your specification; it plans the work first, and you review the plan before coding starts.
      </p>
      <form onSubmit={submit} className="mt-6 flex flex-col gap-5" noValidate>
        <Card>
          <fieldset>
            <legend className="font-semibold">Specification</legend>
            {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop zone; the button inside is the keyboard path */}
            <div
              onDragOver={(e) => {
                e.preventDefault();
                setDragging(true);
              }}
              onDragLeave={() => setDragging(false)}
              onDrop={onDrop}
              data-testid="dropzone"
              className={`mt-3 rounded-lg border-2 border-dashed p-6 text-center ${dragging ? "border-sky-500 bg-sky-50 dark:bg-sky-950" : "border-slate-300 dark:border-slate-600"}`}
            >
              <p className="text-sm">Drop .md or .txt files here, or</p>
              <button
                type="button"
                className={`${secondaryButton} mt-2`}
                onClick={() => input.current?.click()}
              >
                Choose spec files
              </button>
              <input
                ref={input}
                id="spec-files"
                type="file"
                multiple
                accept=".md,.txt,text/markdown,text/plain"
                aria-label="Spec files"
                className="sr-only"
                onChange={(e) => {
                  addFiles(e.target.files);
                  e.target.value = "";
                }}
              />
            </div>
            {files.length > 0 && (
              <ul className="mt-3 flex flex-col gap-1 text-sm" aria-label="Chosen spec files">
                {files.map((f) => (
                  <li key={f.name} className="flex items-center gap-2">
                    <span className="truncate">{f.name}</span>
                    <span className="text-slate-500 dark:text-slate-400">{Math.ceil(f.size / 1024)} KB</span>
                    <button
                      type="button"
                      className="ml-auto text-xs text-red-700 underline dark:text-red-300"
                      onClick={() => setFiles(files.filter((x) => x !== f))}
                      aria-label={`Remove ${f.name}`}
                    >
                      remove
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </fieldset>
        </Card>

        <Card className="flex flex-col gap-4">
          <Field id="name" label="Project name">
            <input
              id="name"
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                setNameTouched(true);
              }}
              aria-invalid={nameError !== null}
              aria-describedby="name-help"
              className={inputClass}
              autoComplete="off"
            />
            <p
              id="name-help"
              className={`mt-1 text-xs ${nameError ? "text-red-700 dark:text-red-300" : "text-slate-600 dark:text-slate-300"}`}
            >
              {nameError ?? "Lower-case letters, digits, - and _; it names the project's folder."}
            </p>
          </Field>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field id="initializer-model" label="Planning model">
              <input
                id="initializer-model"
                value={initializerModel}
                onChange={(e) => setInitializerModel(e.target.value)}
                placeholder={info?.models.initializer ?? "opus"}
                className={inputClass}
              />
            </Field>
            <Field id="coding-model" label="Coding model">
              <input
                id="coding-model"
                value={codingModel}
                onChange={(e) => setCodingModel(e.target.value)}
                placeholder={info?.models.coding ?? "sonnet"}
                className={inputClass}
              />
            </Field>
            <Field id="sandbox" label="Sandbox">
              <select
                id="sandbox"
                value={sandbox}
                onChange={(e) => setSandbox(e.target.value)}
                className={inputClass}
              >
                <option value="">default ({info?.sandbox.type ?? "os"})</option>
                <option value="os">os (bubblewrap / Seatbelt)</option>
                <option value="docker">docker</option>
                <option value="none">none</option>
              </select>
            </Field>
            <Field id="budget" label="Budget (US$, optional)">
              <input
                id="budget"
                inputMode="decimal"
                value={budget}
                onChange={(e) => setBudget(e.target.value)}
                aria-invalid={budgetError !== null}
                aria-describedby="budget-help"
                className={inputClass}
              />
              <p id="budget-help" className="mt-1 text-xs text-red-700 dark:text-red-300">
                {budgetError}
              </p>
            </Field>
          </div>
        </Card>

        {serverError && (
          <div
            role="alert"
            className="rounded-md border-l-4 border-red-600 bg-red-50 p-3 text-sm text-red-900 dark:bg-red-950 dark:text-red-100"
          >
            {serverError}
          </div>
        )}
        <div>
          <button type="submit" className={primaryButton} disabled={!canSubmit}>
            {busy ? "Creating…" : "Create project"}
          </button>
        </div>
      </form>
    </section>
  );
}
