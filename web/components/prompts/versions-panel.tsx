"use client";
import { useState } from "react";
import { Dialog } from "@/components/dialog";
import { useToast } from "@/components/toasts";
import { Card, primaryButton, secondaryButton, TableHead } from "@/components/ui";
import { client, data } from "@/lib/api";
import { usd } from "@/lib/format";
import { usePromptVersion, useRefreshPrompts } from "@/lib/queries";
import type { PromptName, PromptVersionLine } from "@/lib/types";
import { SideBySideDiff } from "./side-by-side-diff";

const ORDER: PromptName[] = ["coding", "initializer", "review"];

export function rating(value: number | null): string {
  return value === null ? "—" : value.toFixed(1);
}

export function date(iso: string | null): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
}

/**
 * Every prompt's versions with how their sessions did (sessions run, average quick and deep
 * rating, average cost), the active one marked; any other can be activated (a rollback, after a
 * confirmation), and each compared with the version before it.
 */
export function VersionsPanel({ versions }: { versions: PromptVersionLine[] | null }) {
  const toast = useToast();
  const onChanged = useRefreshPrompts();
  const [activating, setActivating] = useState<PromptVersionLine | null>(null);
  const [comparing, setComparing] = useState<PromptVersionLine | null>(null);
  const [busy, setBusy] = useState(false);
  if (versions === null) return <p aria-busy="true">Loading prompt versions…</p>;
  const names = ORDER.filter((n) => versions.some((v) => v.name === n));
  if (names.length === 0) {
    return (
      <p className="text-sm text-slate-600 dark:text-slate-300">
        No prompt version is stored yet: the first session stores the built-in prompts as version 1.
      </p>
    );
  }
  const activate = async (v: PromptVersionLine) => {
    setBusy(true);
    try {
      const r = await data(
        client.POST("/api/prompts/versions/{name}/{version}/activate", {
          params: { path: { name: v.name, version: v.version } },
        }),
      );
      toast(
        "success",
        `The ${v.name} prompt's version ${r.version.version} is active${r.previous ? ` (was version ${r.previous.version})` : ""}`,
      );
      setActivating(null);
      onChanged();
    } catch (e) {
      toast("error", (e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="flex flex-col gap-4">
      {names.map((name) => (
        <Card key={name} testId={`versions-${name}`}>
          <h3 className="mb-2 font-semibold">
            <span className="capitalize">{name}</span> prompt
          </h3>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
          <section className="overflow-x-auto" tabIndex={0} aria-label={`${name} prompt versions`}>
            <table className="w-full text-left text-sm">
              <TableHead
                columns={[
                  "Version",
                  { label: "Source", className: "hidden sm:table-cell" },
                  { label: "Sessions", className: "text-right" },
                  { label: "Avg quick", className: "text-right" },
                  { label: "Avg deep", className: "text-right" },
                  { label: "Avg cost", className: "hidden text-right md:table-cell" },
                  { label: "Created", className: "hidden md:table-cell" },
                  { label: <span className="sr-only">Actions</span>, className: "", key: "actions" },
                ]}
              />
              <tbody>
                {versions
                  .filter((v) => v.name === name)
                  .map((v) => (
                    <tr
                      key={v.id}
                      data-testid={`version-${name}-${v.version}`}
                      className="border-t border-slate-200 dark:border-slate-800"
                    >
                      <th scope="row" className="py-1.5 pr-2 font-medium">
                        v{v.version}{" "}
                        {v.active && (
                          <span className="ml-1 rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100">
                            active
                          </span>
                        )}
                      </th>
                      <td className="hidden py-1.5 pr-2 sm:table-cell" title={v.notes ?? undefined}>
                        {v.source}
                      </td>
                      <td className="py-1.5 pr-2 text-right tabular-nums">{v.stats.sessions}</td>
                      <td className="py-1.5 pr-2 text-right tabular-nums">
                        {rating(v.stats.avg_quick_rating)}
                      </td>
                      <td className="py-1.5 pr-2 text-right tabular-nums">
                        {rating(v.stats.avg_deep_rating)}
                      </td>
                      <td className="hidden py-1.5 pr-2 text-right tabular-nums md:table-cell">
                        {v.stats.avg_cost_usd === null ? "—" : usd(v.stats.avg_cost_usd)}
                      </td>
                      <td className="hidden py-1.5 pr-2 md:table-cell">{date(v.created_at)}</td>
                      <td className="py-1.5">
                        <div className="flex flex-col items-end gap-1 sm:flex-row sm:justify-end">
                          {v.version > 1 && (
                            <button
                              type="button"
                              className={`${secondaryButton} px-2 py-1 text-xs`}
                              aria-label={`Changes in ${name} version ${v.version}`}
                              onClick={() => setComparing(v)}
                            >
                              Changes
                            </button>
                          )}
                          {!v.active && (
                            <button
                              type="button"
                              className={`${secondaryButton} px-2 py-1 text-xs`}
                              aria-label={`Activate ${name} version ${v.version}`}
                              onClick={() => setActivating(v)}
                            >
                              Activate
                            </button>
                          )}
                        </div>
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </section>
        </Card>
      ))}
      {activating && (
        <Dialog
          title={`Activate ${activating.name} version ${activating.version}?`}
          onClose={() => setActivating(null)}
        >
          <p className="mb-4 text-sm">
            The next sessions of every project use this version of the {activating.name} prompt. The version
            active now stays in the history and can be activated again.
          </p>
          <div className="flex justify-end gap-2">
            <button type="button" className={secondaryButton} onClick={() => setActivating(null)}>
              Cancel
            </button>
            <button
              type="button"
              className={primaryButton}
              disabled={busy}
              onClick={() => activate(activating)}
            >
              Activate version {activating.version}
            </button>
          </div>
        </Dialog>
      )}
      {comparing && <VersionChanges version={comparing} onClose={() => setComparing(null)} />}
    </div>
  );
}

/** A drawer with the version's text beside the one before it. */
function VersionChanges({ version, onClose }: { version: PromptVersionLine; onClose: () => void }) {
  const before = usePromptVersion(version.name, version.version - 1);
  const after = usePromptVersion(version.name, version.version);
  const error = (before.error ?? after.error)?.message;
  const texts = before.data && after.data ? ([before.data, after.data] as const) : null;
  return (
    <Dialog
      title={`${version.name} v${version.version - 1} → v${version.version}`}
      onClose={onClose}
      placement="drawer"
    >
      {version.notes && <p className="mb-3 text-sm text-slate-600 dark:text-slate-300">{version.notes}</p>}
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
      {!texts && !error && <p aria-busy="true">Loading…</p>}
      {texts && (
        <SideBySideDiff
          label={`${version.name} prompt, version ${version.version - 1} against ${version.version}`}
          before={texts[0].content}
          after={texts[1].content}
          beforeTitle={`v${version.version - 1}`}
          afterTitle={`v${version.version}`}
          context={3}
        />
      )}
    </Dialog>
  );
}
