import { z } from "zod";
import { PromptVersion } from "./model.ts";

/** How the sessions that ran with one prompt version did: enough to see whether a change helped. */
export const VersionStats = z.object({
  sessions: z.number().int(),
  /** Average cost of those sessions; null when none ran. */
  avg_cost_usd: z.number().nullable(),
  quick_checks: z.number().int(),
  avg_quick_rating: z.number().nullable(),
  deep_reviews: z.number().int(),
  avg_deep_rating: z.number().nullable(),
});
export type VersionStats = z.infer<typeof VersionStats>;

export const PromptVersionWithStats = PromptVersion.extend({ stats: VersionStats });
export type PromptVersionWithStats = z.infer<typeof PromptVersionWithStats>;

export const NO_STATS: VersionStats = {
  sessions: 0,
  avg_cost_usd: null,
  quick_checks: 0,
  avg_quick_rating: null,
  deep_reviews: 0,
  avg_deep_rating: null,
};

/** A rounded average from SQL (PostgreSQL answers numeric as text), or null when nothing was averaged. */
export function average(value: unknown, count: number, digits = 2): number | null {
  if (count === 0 || value === null || value === undefined) return null;
  const factor = 10 ** digits;
  return Math.round(Number(value) * factor) / factor;
}
