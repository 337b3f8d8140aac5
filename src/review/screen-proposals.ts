import type { NewProposal } from "../db/stores/prompt-store.ts";
import { citedSessionIds, type ProposedEdit } from "./analysis-reply.ts";
import type { PromptName, PromptVersion } from "./model.ts";
import { checkEdit, EDIT_PROBLEM_TEXT } from "./prompt-edit.ts";
import { normalizeTheme, type SessionRef } from "./themes.ts";

export interface DroppedEdit {
  prompt: string;
  theme: string;
  before: string;
  reason: string;
}

/**
 * Keeps the edits that can really be made: to a prompt the analysis showed, with a before text
 * found exactly once in that prompt's current version. Evidence keeps only sessions the analysis
 * read. The rest are returned with the reason they were dropped.
 */
export function screenProposals(
  edits: readonly ProposedEdit[],
  prompts: ReadonlyMap<PromptName, PromptVersion>,
  sessions: ReadonlyMap<number, SessionRef>,
): { proposals: NewProposal[]; dropped: DroppedEdit[] } {
  const proposals: NewProposal[] = [];
  const dropped: DroppedEdit[] = [];
  for (const edit of edits) {
    const theme = normalizeTheme(edit.theme);
    const version = prompts.get(edit.prompt as PromptName);
    const problem = version ? checkEdit(version.content, edit.before, edit.after) : null;
    if (!version || problem !== null) {
      dropped.push({
        prompt: edit.prompt,
        theme,
        before: edit.before,
        reason: version
          ? EDIT_PROBLEM_TEXT[problem ?? "not_found"]
          : `there is no ${edit.prompt} prompt to edit`,
      });
      continue;
    }
    proposals.push({
      prompt_name: version.name,
      prompt_version_id: version.id,
      theme,
      before_text: edit.before,
      after_text: edit.after,
      rationale: edit.rationale,
      evidence: citedSessionIds(edit.evidence).flatMap((id) => {
        const ref = sessions.get(id);
        return ref ? [ref] : [];
      }),
      confidence: edit.confidence === null ? null : Math.min(1, Math.max(0, edit.confidence)),
    });
  }
  return { proposals, dropped };
}
