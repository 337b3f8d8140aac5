import type { Stores } from "../../src/db/stores/index.ts";
import type { Deduction, Recommendation } from "../../src/review/model.ts";
import type { Session } from "../../src/sessions/model.ts";

export const NO_BROWSER: Deduction = {
  rule: "no_browser_verification",
  points: -6,
  reason: "no browser verification on a UI task",
};

export const SCREENSHOT: Recommendation = {
  priority: "high",
  theme: "No browser verification",
  text: "Open the page in the browser and take a screenshot before marking the test passing.",
};

/**
 * A finished coding session of a project with a quick check (rating, issues) and, when
 * recommendations are given, a deep review: what an analysis reads.
 */
export async function reviewedSession(
  stores: Stores,
  projectId: number,
  review: { rating?: number; issues?: Deduction[]; recommendations?: Recommendation[]; deepRating?: number },
  promptVersionId: number | null = null,
): Promise<Session> {
  const session = await stores.sessions.create(projectId, {
    type: "coding",
    model: "sonnet",
    prompt_version_id: promptVersionId,
  });
  await stores.quality.add({
    session_id: session.id,
    kind: "quick",
    rating: review.rating ?? 4,
    issues: review.issues ?? [NO_BROWSER],
  });
  if (review.recommendations !== undefined || review.deepRating !== undefined) {
    await stores.quality.add({
      session_id: session.id,
      kind: "deep",
      rating: review.deepRating ?? 5,
      recommendations: review.recommendations ?? [],
      report_markdown: "# Review",
    });
  }
  return session;
}
