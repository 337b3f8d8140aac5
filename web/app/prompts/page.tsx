"use client";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Suspense, useCallback, useEffect, useState } from "react";
import { AnalysesList, StartAnalysis } from "@/components/prompts/analyses";
import { AnalysisDetail } from "@/components/prompts/analysis-detail";
import { VersionsPanel } from "@/components/prompts/versions-panel";
import { useToast } from "@/components/toasts";
import { api } from "@/lib/api";
import type { Envelope, PromptAnalysis, PromptVersionLine } from "@/lib/types";
import { useGlobalStream } from "@/lib/use-global-stream";

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
  const [versions, setVersions] = useState<PromptVersionLine[] | null>(null);
  const [analyses, setAnalyses] = useState<PromptAnalysis[] | null>(null);
  const [changes, setChanges] = useState(0);
  const refresh = useCallback(() => setChanges((n) => n + 1), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `changes` is the refetch trigger
  useEffect(() => {
    api<{ versions: PromptVersionLine[] }>("/api/prompts/versions")
      .then((r) => setVersions(r.versions))
      .catch((e: Error) => toast("error", e.message));
    api<{ analyses: PromptAnalysis[] }>("/api/analyses")
      .then((r) => setAnalyses(r.analyses))
      .catch((e: Error) => toast("error", e.message));
  }, [changes, toast]);

  useGlobalStream((message: Envelope) => {
    if (message.type === "analysis_complete") {
      const p = message.payload as { analysis_id: number; status: string; proposals: number };
      if (p.status === "error") toast("error", `Analysis #${p.analysis_id} failed`);
      else
        toast(
          "success",
          `Analysis #${p.analysis_id} completed: ${p.proposals} ${p.proposals === 1 ? "proposal" : "proposals"}`,
        );
      refresh();
    } else if (message.type === "session_ended") refresh();
  }, refresh);

  if (analysisId !== null) {
    if (!Number.isInteger(analysisId) || analysisId <= 0)
      return <p role="alert">No such analysis: open one from the list of analyses.</p>;
    return (
      <div className="flex flex-col gap-4">
        <Link href="/prompts" className="text-sm text-sky-800 underline dark:text-sky-300">
          ← Prompt improvements
        </Link>
        <AnalysisDetail id={analysisId} changes={changes} versions={versions} onChanged={refresh} />
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
        <VersionsPanel versions={versions} onChanged={refresh} />
      </section>
      <section aria-labelledby="start-heading">
        <h2 id="start-heading" className="mb-2 text-lg font-semibold">
          Start an analysis
        </h2>
        <StartAnalysis onStarted={refresh} />
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
