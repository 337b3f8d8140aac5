import { Fragment, useMemo } from "react";
import { type DiffRow, sideBySide, wordChanges } from "./line-diff";

const CELL = "w-1/2 px-2 py-0.5 align-top font-mono text-xs whitespace-pre-wrap break-words";
const NUMBER =
  "w-8 select-none px-1 py-0.5 text-right align-top font-mono text-xs text-slate-600 dark:text-slate-300";
const REMOVED = "bg-red-50 text-red-950 dark:bg-red-950/60 dark:text-red-100";
const ADDED = "bg-emerald-50 text-emerald-950 dark:bg-emerald-950/60 dark:text-emerald-100";
const WORD_REMOVED = "rounded-sm bg-red-200 no-underline dark:bg-red-800";
const WORD_ADDED = "rounded-sm bg-emerald-200 no-underline dark:bg-emerald-800";

/**
 * Before and after, line facing line: removed lines on the left in red, added ones on the right
 * in green, and within a changed line the words that changed (as <del>/<ins>, so screen readers
 * say so too). Runs of unchanged lines longer than `context` on both sides are folded.
 */
export function SideBySideDiff({
  before,
  after,
  label,
  beforeTitle = "Before",
  afterTitle = "After",
  context = Number.POSITIVE_INFINITY,
}: {
  before: string;
  after: string;
  /** What the table compares, e.g. "coding prompt: proposal 3". */
  label: string;
  beforeTitle?: string;
  afterTitle?: string;
  context?: number;
}) {
  const rows = useMemo(() => fold(sideBySide(before, after), context), [before, after, context]);
  return (
    <div className="overflow-hidden rounded-md border border-slate-200 dark:border-slate-700">
      <table
        className="w-full table-fixed border-collapse"
        aria-label={label}
        data-testid="side-by-side-diff"
      >
        <colgroup>
          <col className="w-8" />
          <col />
          <col className="w-8" />
          <col />
        </colgroup>
        <thead className="bg-slate-100 text-left text-xs dark:bg-slate-800">
          <tr>
            <th scope="col" colSpan={2} className="px-2 py-1 font-semibold">
              {beforeTitle}
            </th>
            <th
              scope="col"
              colSpan={2}
              className="border-l border-slate-200 px-2 py-1 font-semibold dark:border-slate-700"
            >
              {afterTitle}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) =>
            "folded" in row ? (
              <tr key={`fold-${row.at}`} className="bg-slate-50 dark:bg-slate-900">
                <td colSpan={4} className="px-2 py-1 text-center text-xs text-slate-600 dark:text-slate-300">
                  … {row.folded} unchanged {row.folded === 1 ? "line" : "lines"} …
                </td>
              </tr>
            ) : (
              <Row key={`${row.leftNumber}-${row.rightNumber}`} row={row} />
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}

function Row({ row }: { row: DiffRow }) {
  const words = row.kind === "changed" ? wordChanges(row.left ?? "", row.right ?? "") : null;
  const leftClass = row.left === null ? "bg-slate-50 dark:bg-slate-900" : row.kind === "same" ? "" : REMOVED;
  const rightClass = row.right === null ? "bg-slate-50 dark:bg-slate-900" : row.kind === "same" ? "" : ADDED;
  return (
    <tr data-kind={row.kind}>
      <td className={`${NUMBER} ${leftClass}`}>{row.leftNumber ?? ""}</td>
      <td className={`${CELL} ${leftClass}`}>
        {row.left !== null && row.kind !== "same" && <span className="sr-only">removed: </span>}
        {words
          ? words.left.map((w) =>
              w.changed ? (
                <del key={w.id} className={WORD_REMOVED}>
                  {w.text}
                </del>
              ) : (
                <Fragment key={w.id}>{w.text}</Fragment>
              ),
            )
          : row.left}
      </td>
      <td className={`${NUMBER} border-l border-slate-200 dark:border-slate-700 ${rightClass}`}>
        {row.rightNumber ?? ""}
      </td>
      <td className={`${CELL} ${rightClass}`}>
        {row.right !== null && row.kind !== "same" && <span className="sr-only">added: </span>}
        {words
          ? words.right.map((w) =>
              w.changed ? (
                <ins key={w.id} className={WORD_ADDED}>
                  {w.text}
                </ins>
              ) : (
                <Fragment key={w.id}>{w.text}</Fragment>
              ),
            )
          : row.right}
      </td>
    </tr>
  );
}

/** Folds runs of unchanged rows longer than 2 × context (keeping `context` rows each side of a change). */
function fold(rows: DiffRow[], context: number): (DiffRow | { folded: number; at: number })[] {
  if (!Number.isFinite(context)) return rows;
  const out: (DiffRow | { folded: number; at: number })[] = [];
  let k = 0;
  while (k < rows.length) {
    if (rows[k]?.kind !== "same") {
      out.push(rows[k] as DiffRow);
      k++;
      continue;
    }
    let end = k;
    while (end < rows.length && rows[end]?.kind === "same") end++;
    const keepBefore = k === 0 ? 0 : context;
    const keepAfter = end === rows.length ? 0 : context;
    if (end - k > keepBefore + keepAfter + 1) {
      out.push(...rows.slice(k, k + keepBefore));
      out.push({ folded: end - k - keepBefore - keepAfter, at: k + keepBefore });
      out.push(...rows.slice(end - keepAfter, end));
    } else {
      out.push(...rows.slice(k, end));
    }
    k = end;
  }
  return out;
}
