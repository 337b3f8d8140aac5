"use client";
import Link from "next/link";
import { useState } from "react";
import { useToast } from "@/components/toasts";
import { Card, primaryButton, secondaryButton } from "@/components/ui";
import { ApiError, client, data } from "@/lib/api";
import { useRefreshPrompts } from "@/lib/queries";
import type { EvidenceSession, PromptProposal, PromptVersionLine, ProposalStatus } from "@/lib/types";
import { SideBySideDiff } from "./side-by-side-diff";

const STATUS_COLORS: Record<ProposalStatus, string> = {
  proposed: "bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100",
  accepted: "bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100",
  rejected: "bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100",
  applied: "bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100",
};

/** Which moves a proposal's status allows (docs/prompts.md, "Proposals"). */
const CAN = {
  accept: (s: ProposalStatus) => s === "proposed" || s === "rejected",
  reject: (s: ProposalStatus) => s === "proposed" || s === "accepted",
  apply: (s: ProposalStatus) => s === "proposed" || s === "accepted",
};

function isSession(e: unknown): e is EvidenceSession {
  return typeof e === "object" && e !== null && typeof (e as EvidenceSession).session_id === "number";
}

/**
 * One proposed edit: its prompt and theme, why, which sessions show the problem, how sure the
 * model was, the edit side by side, and what a person can do with it. A 409 (the proposal no
 * longer fits the active prompt, or someone changed it meanwhile) is shown on the card.
 */
export function ProposalCard({
  proposal,
  versions,
}: {
  proposal: PromptProposal;
  versions: PromptVersionLine[] | null;
}) {
  const toast = useToast();
  const onChanged = useRefreshPrompts();
  const [busy, setBusy] = useState(false);
  const [conflict, setConflict] = useState<string | null>(null);
  const act = async (what: "accept" | "reject" | "apply") => {
    setBusy(true);
    setConflict(null);
    try {
      if (what === "apply") {
        const r = await data(
          client.POST("/api/proposals/{id}/apply", { params: { path: { id: proposal.id } } }),
        );
        toast(
          "success",
          `Applied: the ${r.version.name} prompt's version ${r.version.version} is active (was version ${r.previous.version})`,
        );
      } else {
        await client.PATCH("/api/proposals/{id}", {
          params: { path: { id: proposal.id } },
          body: { status: what === "accept" ? "accepted" : "rejected" },
        });
        toast("success", `Proposal #${proposal.id} ${what === "accept" ? "accepted" : "rejected"}`);
      }
      onChanged();
    } catch (e) {
      const error = e as Error;
      if (error instanceof ApiError && error.status === 409) {
        setConflict(
          error.code === "BATON_PROPOSAL_STALE"
            ? `Cannot apply: ${error.message}. Start a new analysis against the active prompt.`
            : error.message,
        );
        onChanged();
      }
      toast("error", error.message);
    } finally {
      setBusy(false);
    }
  };
  const applied = versions?.find((v) => v.id === proposal.applied_version_id);
  const evidence = proposal.evidence.filter(isSession);
  const titleId = `proposal-${proposal.id}-title`;
  return (
    <Card testId={`proposal-${proposal.id}`} className="flex flex-col gap-3">
      <article aria-labelledby={titleId} className="flex flex-col gap-3">
        <div className="flex flex-wrap items-center gap-2">
          <h3 id={titleId} className="mr-auto font-semibold">
            Proposal #{proposal.id}: <span className="capitalize">{proposal.prompt_name}</span> prompt ·{" "}
            {proposal.theme}
          </h3>
          {proposal.confidence !== null && (
            <span className="text-xs text-slate-600 dark:text-slate-300">
              confidence {Math.round(proposal.confidence * 100)}%
            </span>
          )}
          <span
            data-testid="proposal-status"
            className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ${STATUS_COLORS[proposal.status]}`}
          >
            {proposal.status}
          </span>
        </div>
        {proposal.rationale && <p className="text-sm">{proposal.rationale}</p>}
        {evidence.length > 0 && (
          <div className="text-sm">
            <span className="font-medium">Evidence: </span>
            <ul className="inline" aria-label="Sessions cited">
              {evidence.map((e, i) => (
                <li key={e.session_id} className="inline">
                  {i > 0 && ", "}
                  {e.project_id ? (
                    <Link className="underline" href={`/session?project=${e.project_id}&id=${e.session_id}`}>
                      {e.project ?? "project"} session {e.session_number ?? e.session_id}
                    </Link>
                  ) : (
                    `${e.project ?? "session"} ${e.session_number ?? e.session_id}`
                  )}
                </li>
              ))}
            </ul>
          </div>
        )}
        <SideBySideDiff
          label={`Proposal ${proposal.id}: the ${proposal.prompt_name} prompt's text before and after`}
          before={proposal.before_text}
          after={proposal.after_text}
        />
        {proposal.status === "applied" && (
          <p className="text-sm text-emerald-800 dark:text-emerald-200">
            Applied as {proposal.prompt_name} version{" "}
            {applied ? applied.version : `id ${proposal.applied_version_id}`}
            {applied?.active ? " (active)" : ""}.
          </p>
        )}
        {conflict && (
          <p
            role="alert"
            className="rounded-md border-l-4 border-red-500 bg-red-50 p-2 text-sm text-red-950 dark:bg-red-950 dark:text-red-100"
          >
            {conflict}
          </p>
        )}
        {proposal.status !== "applied" && (
          <div className="flex flex-wrap justify-end gap-2">
            <button
              type="button"
              className={secondaryButton}
              disabled={busy || !CAN.reject(proposal.status)}
              onClick={() => act("reject")}
            >
              Reject
            </button>
            <button
              type="button"
              className={secondaryButton}
              disabled={busy || !CAN.accept(proposal.status)}
              onClick={() => act("accept")}
            >
              Accept
            </button>
            <button
              type="button"
              className={primaryButton}
              disabled={busy || !CAN.apply(proposal.status)}
              onClick={() => act("apply")}
            >
              Apply
            </button>
          </div>
        )}
      </article>
    </Card>
  );
}
