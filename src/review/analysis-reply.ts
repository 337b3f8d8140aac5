import { z } from "zod";
import { fail } from "../errors.ts";
import { fencedBlocks } from "./fenced-json.ts";

/** One edit as the model proposes it (prompts/analysis.md describes the shape to the model). */
export const ProposedEdit = z.object({
  prompt: z.string(),
  theme: z.string().default("general"),
  before: z.string(),
  after: z.string(),
  rationale: z.string().default(""),
  evidence: z.array(z.union([z.number(), z.string()])).default([]),
  confidence: z.number().nullable().default(null),
});
export type ProposedEdit = z.infer<typeof ProposedEdit>;

export const AnalysisReply = z.object({
  summary: z.string().default(""),
  proposals: z.array(ProposedEdit).default([]),
});
export type AnalysisReply = z.infer<typeof AnalysisReply>;

/**
 * The structured part of the model's reply: the last fenced JSON block that is a valid reply (or
 * the whole text, when it is bare JSON). A reply without one is an error the analysis records.
 */
export function parseAnalysisReply(text: string): AnalysisReply {
  const candidates = fencedBlocks(text).map((b) => b.body);
  candidates.push(text.trim());
  let problem = "it holds no fenced JSON block";
  for (const candidate of candidates) {
    let json: unknown;
    try {
      json = JSON.parse(candidate);
    } catch {
      continue;
    }
    const parsed = AnalysisReply.safeParse(json);
    if (parsed.success) return parsed.data;
    problem = `its JSON block does not fit: ${z.prettifyError(parsed.error).replace(/\s+/g, " ")}`;
  }
  throw fail("BATON_SESSION_FAILED", {
    reply: text.slice(0, 2_000),
    reason: `the model's analysis reply could not be read: ${problem}`,
  });
}

/** Session ids cited as evidence (numbers, or strings such as "12" or "id 12"). */
export function citedSessionIds(evidence: readonly (number | string)[]): number[] {
  const ids = evidence.flatMap((e) => {
    const n = typeof e === "number" ? e : Number(/\d+/.exec(e)?.[0]);
    return Number.isSafeInteger(n) && n > 0 ? [n] : [];
  });
  return [...new Set(ids)];
}
