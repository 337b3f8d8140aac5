/**
 * The deep review's reply: markdown for people, then a fenced JSON block with the findings
 * (`{"rating": n, "recommendations": [{"priority", "theme", "text"}]}`), validated here.
 */
import { z } from "zod";
import { fencedBlocks } from "./fenced-json.ts";
import { Recommendation } from "./model.ts";

export const ReviewFindings = z.object({
  rating: z.number().int().min(1).max(10),
  recommendations: z.array(Recommendation),
});
export type ReviewFindings = z.infer<typeof ReviewFindings>;

export type ParsedReview =
  | { ok: true; findings: ReviewFindings; markdown: string }
  | { ok: false; error: string; markdown: string };

/** The findings from the last ```json block of the reply, and the reply without it. */
export function parseReviewReply(reply: string): ParsedReview {
  const [last] = fencedBlocks(reply);
  if (last === undefined) {
    return { ok: false, error: "the reply has no ```json block with the findings", markdown: reply.trim() };
  }
  const markdown = `${reply.slice(0, last.index)}${reply.slice(last.index + last.length)}`.trim();
  let data: unknown;
  try {
    data = JSON.parse(last.body);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `the findings block is not valid JSON: ${why}`, markdown: reply.trim() };
  }
  const parsed = ReviewFindings.safeParse(data);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`).join("; ");
    return { ok: false, error: `the findings block does not fit the schema: ${why}`, markdown: reply.trim() };
  }
  return { ok: true, findings: parsed.data, markdown };
}
