"use client";
import Link from "next/link";
import { useMemo, useState } from "react";
import { Chart, type ChartSeries } from "@/components/chart";
import { useToast } from "@/components/toasts";
import { Card, secondaryButton } from "@/components/ui";
import { download } from "@/lib/api";
import { useCoverage, useQuality, useSessionQuality, useSessions } from "@/lib/queries";
import type { Coverage, DeepReviewLine } from "@/lib/types";

/** Rating bands: the trend chart's colour, and text classes with enough contrast in both themes. */
export function band(rating: number): { name: string; color: string; text: string } {
  if (rating >= 8) return { name: "good", color: "#059669", text: "text-emerald-700 dark:text-emerald-300" };
  if (rating >= 5) return { name: "fair", color: "#d97706", text: "text-amber-700 dark:text-amber-300" };
  return { name: "poor", color: "#dc2626", text: "text-red-700 dark:text-red-300" };
}

/** How well the coding sessions worked: ratings and their trend, browser checks, issues, deep reviews, coverage. */
export function QualityTab({ projectId }: { projectId: number }) {
  const { data: quality } = useQuality(projectId);
  const { data: sessions = [] } = useSessions(projectId, "coding");
  const { data: coverage } = useCoverage(projectId);

  const chart = useMemo(() => {
    const points = quality?.trend.points ?? [];
    const ratings = points.map((p) => p.deep ?? p.quick);
    const series: ChartSeries[] = [
      {
        label: "rating",
        kind: "bars",
        color: "#0284c7",
        values: ratings,
        colors: ratings.map((r) => (r === null ? "#94a3b8" : band(r).color)),
      },
    ];
    return { x: points.map((p) => p.session_number), series };
  }, [quality]);

  if (!quality) return <p aria-busy="true">Loading quality…</p>;
  const idOf = (n: number) => sessions.find((s) => s.number === n)?.id;
  const sessionLink = (n: number) => {
    const id = idOf(n);
    return id === undefined ? (
      `session ${n}`
    ) : (
      <Link className="underline" href={`/session?project=${projectId}&id=${id}`}>
        Session {n}
      </Link>
    );
  };

  return (
    <div className="flex flex-col gap-3 pt-3 text-sm" data-testid="quality">
      {quality.sessions_reviewed === 0 ? (
        <p className="text-slate-600 dark:text-slate-300">
          No coding session has finished yet: each one is scored when it ends.
        </p>
      ) : (
        <>
          <Card className="flex flex-wrap items-center gap-x-8 gap-y-2">
            <Figure label="Average rating" value={quality.average_rating} testId="average-rating" />
            <Figure label="Quick checks" value={quality.average_quick} />
            <Figure label="Deep reviews" value={quality.average_deep} />
            <span>
              Trend: <strong>{quality.trend.direction}</strong>
            </span>
            <span>
              Browser verification in{" "}
              <strong>
                {quality.browser.verified} of {quality.browser.coding_sessions}
              </strong>{" "}
              coding sessions
            </span>
          </Card>
          <Chart
            title="Rating per session (deep review when there is one; green ≥ 8, amber 5–7, red < 5)"
            xLabel="session"
            x={chart.x}
            series={chart.series}
            yRange={[0, 10]}
            testId="chart-quality"
          />
          {quality.browser.without_browser.length > 0 && (
            <Card>
              <h2 className="mb-2 font-semibold">Sessions without browser verification</h2>
              <ul className="flex flex-wrap gap-3">
                {quality.browser.without_browser.map((n) => (
                  <li key={n}>
                    {sessionLink(n)}
                    {quality.browser.ui_unverified.includes(n) && (
                      <span className="text-red-700 dark:text-red-300"> (UI task)</span>
                    )}
                  </li>
                ))}
              </ul>
            </Card>
          )}
          {quality.top_issues.length > 0 && (
            <Card>
              <h2 className="mb-2 font-semibold">Most frequent issues</h2>
              <ul className="flex flex-col gap-1">
                {quality.top_issues.map((i) => (
                  <li key={i.rule}>
                    <code>{i.rule}</code> in {i.count} session{i.count === 1 ? "" : "s"} (
                    {i.sessions.slice(-5).join(", ")})
                  </li>
                ))}
              </ul>
            </Card>
          )}
          <section aria-labelledby="deep-reviews">
            <h2 id="deep-reviews" className="mb-2 font-semibold">
              Deep reviews
            </h2>
            {quality.deep_reviews.length === 0 && (
              <p className="text-slate-600 dark:text-slate-300">
                None yet: a model reviews a session every few sessions, or when its quick rating is low.
              </p>
            )}
            <ul className="flex flex-col gap-2">
              {quality.deep_reviews.map((r) => (
                <li key={r.id}>
                  <DeepReview projectId={projectId} review={r} sessionId={idOf(r.session_number)} />
                </li>
              ))}
            </ul>
          </section>
        </>
      )}
      {coverage && <CoverageCard coverage={coverage} />}
    </div>
  );
}

function Figure({ label, value, testId }: { label: string; value: number | null; testId?: string }) {
  return (
    <span className="flex flex-col">
      <span className="text-xs text-slate-600 dark:text-slate-300">{label}</span>
      <strong className={`text-xl ${value === null ? "" : band(value).text}`} data-testid={testId}>
        {value === null ? "—" : `${value.toFixed(1)}/10`}
      </strong>
    </span>
  );
}

/** One deep review: folded to its rating; opened, its recommendations and report, and a download. */
function DeepReview({
  projectId,
  review,
  sessionId,
}: {
  projectId: number;
  review: DeepReviewLine;
  sessionId: number | undefined;
}) {
  const toast = useToast();
  // The report is read when the review is first opened.
  const [opened, setOpened] = useState(false);
  return (
    <details
      className="rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
      onToggle={(e) => (e.target as HTMLDetailsElement).open && setOpened(true)}
    >
      <summary className="cursor-pointer p-3">
        Session {review.session_number}:{" "}
        <strong className={review.rating === null ? "" : band(review.rating).text}>
          {review.rating === null ? "no rating" : `${review.rating}/10`}
        </strong>{" "}
        · {review.recommendations.length} recommendation{review.recommendations.length === 1 ? "" : "s"}
      </summary>
      <div className="flex flex-col gap-2 border-t border-slate-200 p-3 dark:border-slate-800">
        <ul className="flex flex-col gap-1">
          {review.recommendations.map((r) => (
            <li key={`${r.theme}-${r.text}`}>
              <span className="font-medium">[{r.priority}]</span> {r.theme}: {r.text}
            </li>
          ))}
        </ul>
        {opened && sessionId !== undefined && (
          <DeepReviewReport projectId={projectId} sessionId={sessionId} reviewId={review.id} />
        )}
        {review.has_report && (
          <button
            type="button"
            className={`${secondaryButton} self-start`}
            onClick={() =>
              download(
                `/api/projects/${projectId}/reviews/${review.id}/report.md`,
                `session-${review.session_number}-review.md`,
              ).catch((e: Error) => toast("error", e.message))
            }
          >
            Download report
          </button>
        )}
      </div>
    </details>
  );
}

function DeepReviewReport({
  projectId,
  sessionId,
  reviewId,
}: {
  projectId: number;
  sessionId: number;
  reviewId: number;
}) {
  const { data: quality } = useSessionQuality(projectId, sessionId);
  if (!quality) return <p aria-busy="true">Loading the report…</p>;
  return (
    <pre className="max-h-96 overflow-auto rounded bg-slate-50 p-2 text-xs whitespace-pre-wrap dark:bg-slate-800">
      {quality.deep.find((d) => d.id === reviewId)?.report_markdown ?? ""}
    </pre>
  );
}

function CoverageCard({ coverage }: { coverage: Coverage }) {
  return (
    <Card>
      <h2 className="mb-2 font-semibold">Test coverage of the plan: {coverage.band}</h2>
      <p>
        {coverage.tests.total} tests over {coverage.tasks.total} tasks ({coverage.tasks.with_tests} with
        tests; per task {coverage.tests.per_task.min}–{coverage.tests.per_task.max}, average{" "}
        {coverage.tests.per_task.avg.toFixed(1)}).
      </p>
      <p className="mt-1">
        By category:{" "}
        {Object.entries(coverage.tests.by_category)
          .filter(([, n]) => n > 0)
          .map(([c, n]) => `${c} ${n}`)
          .join(", ") || "none"}
      </p>
      {coverage.gaps.length > 0 && (
        <ul className="mt-1 list-disc pl-5">
          {coverage.gaps.map((g) => (
            <li key={g}>{g}</li>
          ))}
        </ul>
      )}
    </Card>
  );
}
