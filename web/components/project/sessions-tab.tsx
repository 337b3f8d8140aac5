"use client";
import Link from "next/link";
import { useMemo } from "react";
import { Chart, type ChartSeries } from "@/components/chart";
import { StatusBadge, TableHead } from "@/components/ui";
import { duration, tokens, usd } from "@/lib/format";
import { useSessions } from "@/lib/queries";
import type { Session } from "@/lib/types";

export function SessionsTab({ projectId }: { projectId: number }) {
  const { data: sessions } = useSessions(projectId);
  if (!sessions) return <p aria-busy="true">Loading sessions…</p>;
  if (sessions.length === 0)
    return <p className="py-6 text-slate-600 dark:text-slate-300">No sessions yet.</p>;
  return (
    <div className="flex flex-col gap-3 pt-3">
      <SessionCharts sessions={sessions} />
      <SessionTable projectId={projectId} sessions={sessions} />
    </div>
  );
}

/** Tests passing after each session (the running total of tests it marked passing) and its cost. */
function SessionCharts({ sessions }: { sessions: Session[] }) {
  const { x, tests, cost } = useMemo(() => {
    const work = sessions.filter((s) => s.type !== "review").sort((a, b) => a.number - b.number);
    let passing = 0;
    const tests: ChartSeries[] = [
      {
        label: "tests passing",
        kind: "line",
        color: "#059669",
        values: work.map((s) => (passing += s.metrics.tests_passed)),
      },
    ];
    const cost: ChartSeries[] = [
      { label: "cost", kind: "bars", color: "#0284c7", values: work.map((s) => s.metrics.cost_usd) },
    ];
    return { x: work.map((s) => s.number), tests, cost };
  }, [sessions]);
  return (
    <div className="grid gap-3 md:grid-cols-2">
      <Chart title="Tests passing over sessions" xLabel="session" x={x} series={tests} testId="chart-tests" />
      <Chart
        title="Cost per session"
        xLabel="session"
        x={x}
        series={cost}
        format={(v) => usd(v)}
        testId="chart-cost"
      />
    </div>
  );
}

function SessionTable({ projectId, sessions }: { projectId: number; sessions: Session[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[640px] text-left text-sm">
        <caption className="sr-only">Sessions of this project</caption>
        <TableHead
          cell="p-2"
          className="text-xs text-slate-600 uppercase dark:text-slate-300"
          columns={[
            "#",
            "Type",
            "Status",
            "Model",
            "Duration",
            "Tasks / tests",
            "Tokens in / out / cache",
            "Cost",
            "Browser checks",
            "Errors",
          ]}
        />
        <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
          {[...sessions].reverse().map((s) => (
            <tr key={s.id}>
              <td className="p-2">
                <Link
                  href={`/session?project=${projectId}&id=${s.id}`}
                  className="font-medium text-sky-800 underline dark:text-sky-300"
                >
                  {s.type === "review" ? "Review" : "Session"} {s.number}
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
              <td className="p-2">{s.metrics.browser_verifications}</td>
              <td className="p-2">{s.metrics.tool_errors + (s.error ? 1 : 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
