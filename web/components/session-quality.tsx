"use client";
import { useState } from "react";
import { band } from "@/components/project/quality-tab";
import { useToast } from "@/components/toasts";
import { Card, secondaryButton } from "@/components/ui";
import { client } from "@/lib/api";
import { useSessionQuality } from "@/lib/queries";

/** A finished coding session's score: the quick check's rating with each deduction, and deep reviews. */
export function SessionQualityCard({ projectId, sessionId }: { projectId: number; sessionId: number }) {
  const toast = useToast();
  // Read again when the project's stream brings a review_complete.
  const { data: quality } = useSessionQuality(projectId, sessionId);
  const [asked, setAsked] = useState(false);
  const review = () => {
    setAsked(true);
    client
      .POST("/api/projects/{id}/sessions/{sid}/review", {
        params: { path: { id: projectId, sid: sessionId } },
      })
      .then(() => toast("info", "Deep review started: it appears here when the model has answered"))
      .catch((e: Error) => {
        setAsked(false);
        toast("error", e.message);
      });
  };
  if (!quality?.quick) return null;
  const { quick, deep } = quality;
  return (
    <Card className="text-sm" testId="session-quality">
      <h2 className="font-semibold">
        Quick check:{" "}
        <span className={quick.rating === null ? "" : band(quick.rating).text}>
          {quick.rating === null ? "no rating" : `${quick.rating}/10`}
        </span>
        {deep.map((d) => (
          <span key={d.id}> · deep review: {d.rating === null ? "no rating" : `${d.rating}/10`}</span>
        ))}
      </h2>
      {quick.issues.length === 0 ? (
        <p className="text-slate-600 dark:text-slate-300">No deductions.</p>
      ) : (
        <ul className="mt-1 list-disc pl-5">
          {quick.issues.map((i) => (
            <li key={i.rule}>{i.reason}</li>
          ))}
        </ul>
      )}
      <button type="button" className={`${secondaryButton} mt-2`} disabled={asked} onClick={review}>
        Run a deep review
      </button>
    </Card>
  );
}
