"use client";
import Link from "next/link";
import { type FormEvent, useId, useState } from "react";
import { useToast } from "@/components/toasts";
import { Card, inputClass, primaryButton, StatusBadge, TableHead } from "@/components/ui";
import { client, data } from "@/lib/api";
import { useProjects, useRefreshPrompts } from "@/lib/queries";
import type { PromptAnalysis } from "@/lib/types";
import { date } from "./versions-panel";

/**
 * Starts an analysis of the sessions of some projects (none ticked: every project) from the last
 * N days. The server answers at once; the list shows it running until the global stream says it
 * ended.
 */
export function StartAnalysis() {
  const toast = useToast();
  const refresh = useRefreshPrompts();
  const daysId = useId();
  const hintId = useId();
  const { data: projects = null } = useProjects();
  const [chosen, setChosen] = useState<number[]>([]);
  const [days, setDays] = useState("30");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const daysNumber = Number(days);
  const daysValid = Number.isInteger(daysNumber) && daysNumber >= 1 && daysNumber <= 3650;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!daysValid) return;
    setBusy(true);
    setError(null);
    try {
      const analysis = await data(
        client.POST("/api/analyses", { body: { project_ids: chosen, days: daysNumber } }),
      );
      toast("info", `Analysis #${analysis.id} started`);
      refresh();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const toggle = (id: number, on: boolean) =>
    setChosen((c) => (on ? [...c, id] : c.filter((x) => x !== id)).sort((a, b) => a - b));
  return (
    <Card>
      <form onSubmit={submit} className="flex flex-col gap-3" aria-label="Start an analysis">
        <fieldset>
          <legend className="text-sm font-medium">Projects</legend>
          <p id={hintId} className="text-xs text-slate-600 dark:text-slate-300">
            None ticked: every project.
          </p>
          {projects === null ? (
            <p aria-busy="true" className="text-sm">
              Loading projects…
            </p>
          ) : projects.length === 0 ? (
            <p className="text-sm">No project yet.</p>
          ) : (
            <ul className="mt-1 flex flex-wrap gap-x-4 gap-y-1" aria-describedby={hintId}>
              {projects.map((p) => (
                <li key={p.id}>
                  <label className="inline-flex items-center gap-2 text-sm">
                    <input
                      type="checkbox"
                      checked={chosen.includes(p.id)}
                      onChange={(e) => toggle(p.id, e.target.checked)}
                    />
                    {p.name}
                  </label>
                </li>
              ))}
            </ul>
          )}
        </fieldset>
        <div className="flex flex-wrap items-end gap-3">
          <label htmlFor={daysId} className="text-sm">
            <span className="block">Sessions of the last (days)</span>
            <input
              id={daysId}
              type="number"
              min={1}
              max={3650}
              required
              value={days}
              onChange={(e) => setDays(e.target.value)}
              className={`${inputClass} w-28`}
              aria-invalid={!daysValid}
            />
          </label>
          <button type="submit" className={primaryButton} disabled={busy || !daysValid}>
            Start analysis
          </button>
        </div>
        <p className="text-xs text-slate-600 dark:text-slate-300">
          A model (models.review) reads the reviews of those sessions and proposes edits to the coding and
          initializer prompts; nothing changes until you apply a proposal.
        </p>
        {error && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-300">
            {error}
          </p>
        )}
      </form>
    </Card>
  );
}

/** The analyses, newest first: status, sessions analysed, proposals, when; each opens its detail. */
export function AnalysesList({ analyses }: { analyses: PromptAnalysis[] | null }) {
  if (analyses === null) return <p aria-busy="true">Loading analyses…</p>;
  if (analyses.length === 0) {
    return <p className="text-sm text-slate-600 dark:text-slate-300">No analysis yet: start one above.</p>;
  }
  return (
    <Card>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <section className="overflow-x-auto" tabIndex={0} aria-label="Analyses">
        <table className="w-full text-left text-sm" data-testid="analyses">
          <TableHead
            columns={[
              "Analysis",
              "Status",
              { label: "Sessions", className: "text-right" },
              { label: "Proposals", className: "text-right" },
              { label: "Created", className: "hidden sm:table-cell" },
            ]}
          />
          <tbody>
            {analyses.map((a) => (
              <tr
                key={a.id}
                data-testid={`analysis-${a.id}`}
                className="border-t border-slate-200 dark:border-slate-800"
              >
                <th scope="row" className="py-1.5 pr-2 font-medium">
                  <Link
                    href={`/prompts?analysis=${a.id}`}
                    className="text-sky-800 underline dark:text-sky-300"
                  >
                    Analysis #{a.id}
                  </Link>
                </th>
                <td className="py-1.5 pr-2">
                  <StatusBadge status={a.status} />
                </td>
                <td className="py-1.5 pr-2 text-right tabular-nums">{a.sessions_analyzed}</td>
                <td className="py-1.5 pr-2 text-right tabular-nums">{a.proposal_count}</td>
                <td className="hidden py-1.5 sm:table-cell">{date(a.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </Card>
  );
}
