import type { ReactNode } from "react";
import type { Progress, ProjectStatus, SessionStatus, TaskStatus, TestStatus } from "@/lib/types";

/** A run waiting in the job queue for a worker (not a project status: the queue says it). */
type AnyStatus = ProjectStatus | SessionStatus | TaskStatus | TestStatus | "queued";

const STATUS_COLORS: Record<string, string> = {
  complete: "bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100",
  completed: "bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100",
  done: "bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100",
  passing: "bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100",
  running: "bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100",
  in_progress: "bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100",
  initializing: "bg-violet-100 text-violet-900 dark:bg-violet-900 dark:text-violet-100",
  queued: "bg-violet-100 text-violet-900 dark:bg-violet-900 dark:text-violet-100",
  paused: "bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100",
  blocked: "bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100",
  interrupted: "bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100",
  error: "bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100",
  failing: "bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100",
};

export function StatusBadge({ status }: { status: AnyStatus }) {
  const color = STATUS_COLORS[status] ?? "bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100";
  return (
    <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ${color}`}>
      {status.replace("_", " ")}
    </span>
  );
}

export function LiveBadge() {
  return (
    <span className="inline-flex items-center gap-1 rounded-full bg-red-600 px-2 py-0.5 text-xs font-semibold text-white">
      <span className="h-1.5 w-1.5 animate-pulse rounded-full bg-white" aria-hidden="true" />
      live
    </span>
  );
}

export function Bar({
  label,
  value,
  total,
  color,
}: {
  label: string;
  value: number;
  total: number;
  color: string;
}) {
  const percent = total === 0 ? 0 : Math.round((value / total) * 100);
  return (
    <div>
      <div className="flex justify-between text-xs text-slate-600 dark:text-slate-300">
        <span>{label}</span>
        <span>
          {value}/{total}
        </span>
      </div>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="mt-1 h-2 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-700"
      >
        <div className={`h-full ${color}`} style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

/** A project's two progress bars: tasks done and tests passing. */
export function ProgressBars({ progress }: { progress: Progress }) {
  return (
    <>
      <Bar label="Tasks done" value={progress.tasks.done} total={progress.tasks.total} color="bg-sky-600" />
      <Bar
        label="Tests passing"
        value={progress.tests.passing}
        total={progress.tests.total}
        color="bg-emerald-600"
      />
    </>
  );
}

/** A label above its control (`id` ties them together). */
export function Field({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {children}
    </div>
  );
}

/** A dialog's end: its error, Cancel, and the confirming button (given as `confirm`). */
export function DialogActions({
  error,
  onCancel,
  confirm,
}: {
  error: string | null;
  onCancel: () => void;
  confirm: ReactNode;
}) {
  return (
    <>
      {error && (
        <p role="alert" className="mb-3 text-sm text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
      <div className="flex justify-end gap-2">
        <button type="button" className={secondaryButton} onClick={onCancel}>
          Cancel
        </button>
        {confirm}
      </div>
    </>
  );
}

export function Card({
  children,
  className = "",
  testId,
}: {
  children: ReactNode;
  className?: string;
  testId?: string;
}) {
  return (
    <div
      data-testid={testId}
      className={`rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900 ${className}`}
    >
      {children}
    </div>
  );
}

export function Banner({
  kind,
  children,
}: {
  kind: "warn" | "info" | "success" | "error";
  children: ReactNode;
}) {
  const colors = {
    warn: "border-amber-500 bg-amber-50 text-amber-950 dark:bg-amber-950 dark:text-amber-100",
    info: "border-sky-500 bg-sky-50 text-sky-950 dark:bg-sky-950 dark:text-sky-100",
    success: "border-emerald-500 bg-emerald-50 text-emerald-950 dark:bg-emerald-950 dark:text-emerald-100",
    error: "border-red-500 bg-red-50 text-red-950 dark:bg-red-950 dark:text-red-100",
  };
  return (
    <div role="status" className={`rounded-md border-l-4 p-3 text-sm ${colors[kind]}`}>
      {children}
    </div>
  );
}

export const buttonClass =
  "inline-flex items-center justify-center rounded-md px-3 py-2 text-sm font-medium disabled:cursor-not-allowed disabled:opacity-50";
export const primaryButton = `${buttonClass} bg-sky-700 text-white hover:bg-sky-800`;
export const secondaryButton = `${buttonClass} border border-slate-300 bg-white text-slate-900 hover:bg-slate-100 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100 dark:hover:bg-slate-700`;
export const dangerButton = `${buttonClass} bg-red-700 text-white hover:bg-red-800`;
export const inputClass =
  "w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-600 dark:bg-slate-800";

/** Preformatted text that scrolls; focusable so keyboard users can scroll it (axe: scrollable-region-focusable). */
export function ScrollPre({
  className,
  children,
  testId,
}: {
  className: string;
  children: ReactNode;
  testId?: string;
}) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <pre tabIndex={0} data-testid={testId} className={className}>
      {children}
    </pre>
  );
}

/** A table's header row: one `<th scope="col">` per column, each a label or a label with classes. */
export function TableHead({
  columns,
  cell = "py-1 pr-2",
  className = "text-xs text-slate-600 dark:text-slate-300",
}: {
  columns: (string | { label: ReactNode; className: string; key?: string })[];
  /** The classes every header cell gets (a column's own are added). */
  cell?: string;
  className?: string;
}) {
  return (
    <thead className={className}>
      <tr>
        {columns.map((c) =>
          typeof c === "string" ? (
            <th key={c} scope="col" className={cell}>
              {c}
            </th>
          ) : (
            <th key={c.key ?? String(c.label)} scope="col" className={`${cell} ${c.className}`}>
              {c.label}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
