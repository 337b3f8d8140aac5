"use client";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { AnalysesList, StartAnalysis } from "@/components/prompts/analyses";
import { AnalysisDetail } from "@/components/prompts/analysis-detail";
import { VersionsPanel } from "@/components/prompts/versions-panel";
import { useToast } from "@/components/toasts";
import { useGlobalMessages } from "@/lib/global-stream";
import { useAnalyses, usePromptVersions } from "@/lib/queries";

export default function PromptsPage() {
  return (
    <Suspense fallback={<p>Loading…</p>}>
      <PromptsFromQuery />
    </Suspense>
  );
}

/**
 * Prompt improvements: the versions of each prompt with their figures (activate one to roll
 * back), starting an analysis, the analyses; `?analysis=ID` shows one with its proposals. Live:
 * the global stream's `analysis_complete` (and session ends, which change the figures) refetch.
 */
function PromptsFromQuery() {
  const param = useSearchParams().get("analysis");
  const analysisId = param === null ? null : Number(param);
  const toast = useToast();
  const { data: versions = null } = usePromptVersions();
  const { data: analyses = null } = useAnalyses();

  // The cache follows the global stream (web/lib/stream-cache.ts); this only tells the user.
  useGlobalMessages((message) => {
    if (message.type === "analysis_complete") {
      const p = message.payload;
      if (p.status === "error") toast("error", `Analysis #${p.analysis_id} failed`);
      else
        toast(
          "success",
          `Analysis #${p.analysis_id} completed: ${p.proposals} ${p.proposals === 1 ? "proposal" : "proposals"}`,
        );
    }
  });

  if (analysisId !== null) {
    if (!Number.isInteger(analysisId) || analysisId <= 0)
      return <p role="alert">No such analysis: open one from the list of analyses.</p>;
    return (
      <div className="flex flex-col gap-4">
        <Link href="/prompts" className="text-sm text-sky-800 underline dark:text-sky-300">
          ← Prompt improvements
        </Link>
        <AnalysisDetail id={analysisId} versions={versions} />
      </div>
    );
  }
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-bold">Prompt improvements</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
          Sessions run with the active version of each prompt. An analysis reads the reviews of recent
          sessions and proposes edits; applying one makes a new version, and activating an earlier version
          rolls it back. Compare a version's ratings with the one before it to see whether a change helped.
        </p>
      </div>
      <section aria-labelledby="versions-heading">
        <h2 id="versions-heading" className="mb-2 text-lg font-semibold">
          Prompt versions
        </h2>
        <VersionsPanel versions={versions} />
      </section>
      <section aria-labelledby="start-heading">
        <h2 id="start-heading" className="mb-2 text-lg font-semibold">
          Start an analysis
        </h2>
        <StartAnalysis />
      </section>
      <section aria-labelledby="analyses-heading">
        <h2 id="analyses-heading" className="mb-2 text-lg font-semibold">
          Analyses
        </h2>
        <AnalysesList analyses={analyses} />
      </section>
    </div>
  );
}
