/** When a coding session gets a deep review: the one rule, as a pure function. */

/** Why a deep review ran: one of the rules, or a person asked for it (`baton review --deep`). */
export type DeepTrigger = "every_n" | "low_rating" | "overdue" | "requested";

export interface DeepTriggerInput {
  sessionType: string;
  sessionNumber: number;
  /** The session's quick rating; null when the quick check failed. */
  quickRating: number | null;
  /** The number of the newest coding session that had (or is having) a deep review; null: none yet. */
  lastDeepReviewed: number | null;
  /** `review.deep_every` */
  deepEvery: number;
  /** `review.deep_below_rating` */
  deepBelowRating: number;
}

/**
 * Why this session gets a deep review, or null. Only coding sessions do (never the initializer):
 * when its number is a multiple of `deep_every`, when its quick rating is below
 * `deep_below_rating`, or when `deep_every` coding sessions have passed since the last deep review.
 */
export function deepReviewTrigger(input: DeepTriggerInput): DeepTrigger | null {
  if (input.sessionType !== "coding") return null;
  if (input.sessionNumber % input.deepEvery === 0) return "every_n";
  if (input.quickRating !== null && input.quickRating < input.deepBelowRating) return "low_rating";
  if (input.sessionNumber - (input.lastDeepReviewed ?? 0) >= input.deepEvery) return "overdue";
  return null;
}

export function describeTrigger(
  trigger: DeepTrigger,
  input: Pick<DeepTriggerInput, "deepEvery" | "deepBelowRating">,
): string {
  switch (trigger) {
    case "every_n":
      return `every ${input.deepEvery} sessions (review.deep_every)`;
    case "low_rating":
      return `quick rating below ${input.deepBelowRating} (review.deep_below_rating)`;
    case "overdue":
      return `${input.deepEvery} sessions since the last deep review (review.deep_every)`;
    case "requested":
      return "asked for";
  }
}
