import { expect, it } from "vitest";
import { type DeepTriggerInput, deepReviewTrigger } from "../../src/review/deep-trigger.ts";

const base: DeepTriggerInput = {
  sessionType: "coding",
  sessionNumber: 1,
  quickRating: 9,
  lastDeepReviewed: null,
  deepEvery: 5,
  deepBelowRating: 7,
};

it.each([
  // [what, changes, expected trigger]
  ["a good session between reviews", {}, null],
  ["every fifth session", { sessionNumber: 5 }, "every_n"],
  ["every fifth session, again", { sessionNumber: 10, lastDeepReviewed: 9 }, "every_n"],
  ["a rating of 6 (below 7)", { quickRating: 6 }, "low_rating"],
  ["a rating of exactly 7 (not below)", { quickRating: 7 }, null],
  ["no rating (the quick check failed)", { quickRating: null }, null],
  ["4 sessions since the last deep review", { sessionNumber: 7, lastDeepReviewed: 3 }, null],
  ["5 sessions since the last deep review", { sessionNumber: 8, lastDeepReviewed: 3 }, "overdue"],
  ["5 sessions and no deep review yet", { sessionNumber: 6, lastDeepReviewed: null }, "overdue"],
  ["deep_every 1: every session", { deepEvery: 1, sessionNumber: 3, lastDeepReviewed: 2 }, "every_n"],
  ["deep_below_rating 10: anything under 10", { quickRating: 9, deepBelowRating: 10 }, "low_rating"],
  [
    "the initializer, even at a multiple",
    { sessionType: "initializer", sessionNumber: 0, quickRating: 1 },
    null,
  ],
  ["a review session", { sessionType: "review", sessionNumber: 5 }, null],
] as const)("%s", (_, changes, expected) => {
  expect(deepReviewTrigger({ ...base, ...changes })).toBe(expected);
});
