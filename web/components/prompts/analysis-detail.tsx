"use client";
import { useRouter } from "next/navigation";
import { type ReactNode, useState } from "react";
import { Dialog } from "@/components/dialog";
import { useToast } from "@/components/toasts";
import { Banner, Card, dangerButton, StatusBadge, secondaryButton } from "@/components/ui";
import { client } from "@/lib/api";
import { usd } from "@/lib/format";
import { useAnalysis, useProjects } from "@/lib/queries";
import type { PromptVersionLine } from "@/lib/types";
import { ProposalCard } from "./proposal-card";
import { date } from "./versions-panel";

/** One analysis: what it read, its summary, and each proposal with its diff and actions. */
export function AnalysisDetail({ id, versions }: { id: number; versions: PromptVersionLine[] | null }) {
  const toast = useToast();
  const router = useRouter();
  const { data: analysis, error } = useAnalysis(id);
  const { data: projects = [] } = useProjects();
  const [deleting, setDeleting] = useState(false);
  if (!analysis)
    return error ? <p role="alert">{error.message}</p> : <p aria-busy="true">Loading the analysis…</p>;
  const scope =
    analysis.project_ids.length === 0
      ? "every project"
      : analysis.project_ids.map((p) => projects.find((x) => x.id === p)?.name ?? `#${p}`).join(", ");
  const remove = async () => {
    try {
      await client.DELETE("/api/analyses/{id}", { params: { path: { id } } });
      toast("success", `Analysis #${id} deleted`);
      router.push("/prompts");
    } catch (e) {
      toast("error", (e as Error).message);
    }
  };
  const running = analysis.status === "pending" || analysis.status === "running";
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="mr-auto text-2xl font-bold">Analysis #{analysis.id}</h1>
        <StatusBadge status={analysis.status} />
        <button type="button" className={secondaryButton} onClick={() => setDeleting(true)}>
          Delete
        </button>
      </div>
      <Card>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm sm:grid-cols-[auto_1fr_auto_1fr]">
          <Fact term="Projects">{scope}</Fact>
          <Fact term="Sessions analysed">{analysis.sessions_analyzed}</Fact>
          <Fact term="From">{analysis.date_from ? date(analysis.date_from) : "the start"}</Fact>
          <Fact term="To">{analysis.date_to ? date(analysis.date_to) : "now"}</Fact>
          <Fact term="Created">{date(analysis.created_at)}</Fact>
          <Fact term="Completed">{date(analysis.completed_at)}</Fact>
          <Fact term="Model">{analysis.model ?? "—"}</Fact>
          <Fact term="Cost">{usd(analysis.cost_usd)}</Fact>
        </dl>
      </Card>
      {running && <Banner kind="info">The analysis is running; this page updates when it ends.</Banner>}
      {analysis.status === "error" && <Banner kind="error">The analysis failed: {analysis.error}</Banner>}
      {analysis.summary_markdown && (
        <Card>
          <h2 className="mb-2 text-lg font-semibold">Summary</h2>
          <Summary markdown={analysis.summary_markdown} />
        </Card>
      )}
      {!running && (
        <section aria-labelledby="proposals-heading" className="flex flex-col gap-3">
          <h2 id="proposals-heading" className="text-lg font-semibold">
            Proposals ({analysis.proposals.length})
          </h2>
          {analysis.proposals.length === 0 && (
            <p className="text-sm text-slate-600 dark:text-slate-300">This analysis proposed no change.</p>
          )}
          {analysis.proposals.map((p) => (
            <ProposalCard key={p.id} proposal={p} versions={versions} />
          ))}
        </section>
      )}
      {deleting && (
        <Dialog title={`Delete analysis #${analysis.id}?`} onClose={() => setDeleting(false)}>
          <p className="mb-4 text-sm">
            The analysis and its proposals are deleted. Prompt versions applied from them stay.
          </p>
          <div className="flex justify-end gap-2">
            <button type="button" className={secondaryButton} onClick={() => setDeleting(false)}>
              Cancel
            </button>
            <button type="button" className={dangerButton} onClick={remove}>
              Delete analysis
            </button>
          </div>
        </Dialog>
      )}
    </div>
  );
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-slate-600 dark:text-slate-300">{term}</dt>
      <dd className="break-words">{children}</dd>
    </>
  );
}

/**
 * The analysis summary's Markdown, as simply as it is written: `## ` headings, `- ` lists and
 * paragraphs, `**bold**` inline. Anything else shows as text (React escapes it).
 */
export function Summary({ markdown }: { markdown: string }) {
  const blocks = markdown
    .split(/\n\s*\n/)
    .filter((b) => b.trim() !== "")
    .map((text, id) => ({ id, lines: text.split("\n") }));
  return (
    <div className="flex flex-col gap-2 text-sm" data-testid="analysis-summary">
      {blocks.map(({ id, lines }) => {
        const heading = /^#{1,6}\s+(.*)$/.exec(lines[0] ?? "");
        const rest = heading ? lines.slice(1) : lines;
        const items = rest.length > 0 && rest.every((l) => /^\s*[-*]\s+/.test(l));
        return (
          <div key={id}>
            {heading && <h3 className="mt-1 font-semibold">{inline(heading[1] ?? "")}</h3>}
            {items ? (
              <ul className="list-disc pl-5">
                {rest
                  .map((l, n) => ({ n, text: l.replace(/^\s*[-*]\s+/, "") }))
                  .map((item) => (
                    <li key={item.n}>{inline(item.text)}</li>
                  ))}
              </ul>
            ) : (
              rest.length > 0 && <p className="whitespace-pre-wrap break-words">{inline(rest.join("\n"))}</p>
            )}
          </div>
        );
      })}
    </div>
  );
}

/** Text with `**bold**` spans as <strong>. */
function inline(text: string): ReactNode[] {
  return text
    .split(/(\*\*[^*]+\*\*)/)
    .map((part, n) => ({ n, part }))
    .map(({ n, part }) =>
      part.startsWith("**") && part.endsWith("**") && part.length > 4 ? (
        <strong key={n}>{part.slice(2, -2)}</strong>
      ) : (
        part
      ),
    );
}
