"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import { useToast } from "@/components/toasts";
import { StatusBadge } from "@/components/ui";
import { api } from "@/lib/api";
import { duration, tokens, usd } from "@/lib/format";
import type { Session } from "@/lib/types";

export function SessionsTab({ projectId, changes }: { projectId: number; changes: number }) {
  const toast = useToast();
  const [sessions, setSessions] = useState<Session[] | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `changes` is the refetch trigger
  useEffect(() => {
    api<{ sessions: Session[] }>(`/api/projects/${projectId}/sessions`)
      .then((r) => setSessions(r.sessions))
      .catch((e: Error) => toast("error", e.message));
  }, [projectId, changes, toast]);
  if (sessions === null) return <p aria-busy="true">Loading sessions…</p>;
  if (sessions.length === 0)
    return <p className="py-6 text-slate-600 dark:text-slate-300">No sessions yet.</p>;
  return (
    <div className="overflow-x-auto pt-3">
      <table className="w-full min-w-[640px] text-left text-sm">
        <caption className="sr-only">Sessions of this project</caption>
        <thead className="text-xs text-slate-600 uppercase dark:text-slate-300">
          <tr>
            <th scope="col" className="p-2">
              #
            </th>
            <th scope="col" className="p-2">
              Type
            </th>
            <th scope="col" className="p-2">
              Status
            </th>
            <th scope="col" className="p-2">
              Model
            </th>
            <th scope="col" className="p-2">
              Duration
            </th>
            <th scope="col" className="p-2">
              Tasks / tests
            </th>
            <th scope="col" className="p-2">
              Tokens in / out / cache
            </th>
            <th scope="col" className="p-2">
              Cost
            </th>
            <th scope="col" className="p-2">
              Errors
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
          {[...sessions].reverse().map((s) => (
            <tr key={s.id}>
              <td className="p-2">
                <Link
                  href={`/session?project=${projectId}&id=${s.id}`}
                  className="font-medium text-sky-800 underline dark:text-sky-300"
                >
                  Session {s.number}
                </Link>
              </td>
              <td className="p-2">{s.type}</td>
              <td className="p-2">
                <StatusBadge status={s.status} />
              </td>
              <td className="p-2">{s.model}</td>
              <td className="p-2">{duration(s.duration_ms)}</td>
              <td className="p-2">
                {s.metrics.tasks_completed} / {s.metrics.tests_passed}
              </td>
              <td className="p-2">
                {tokens(s.metrics.input_tokens)} / {tokens(s.metrics.output_tokens)} /{" "}
                {tokens(s.metrics.cache_read_tokens)}
              </td>
              <td className="p-2">{usd(s.metrics.cost_usd)}</td>
              <td className="p-2">{s.metrics.tool_errors + (s.error ? 1 : 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
