import { createTwoFilesPatch, FILE_HEADERS_ONLY } from "diff";
import { activePrompt } from "../agent/prompts.ts";
import type { Stores } from "../db/stores/index.ts";
import type { PromptName, PromptProposal, PromptVersion } from "./model.ts";

/**
 * What a person does with prompt proposals and versions, for the CLI and the API alike: accept,
 * reject, apply (a new active version), roll back (activate an earlier version), compare.
 */

export function acceptProposal(stores: Stores, proposalId: number): Promise<PromptProposal> {
  return stores.prompts.setProposalStatus(proposalId, "accepted");
}

export function rejectProposal(stores: Stores, proposalId: number): Promise<PromptProposal> {
  return stores.prompts.setProposalStatus(proposalId, "rejected");
}

/**
 * Applies a proposal to the version of its prompt that sessions use now: the result is a new,
 * active version (source `proposal`) that the next session runs with. A before text that is no
 * longer in that version fails with BATON_PROPOSAL_STALE and writes nothing. `previous` is the
 * version it replaced: activating it again rolls the change back.
 */
export async function applyProposal(
  stores: Stores,
  proposalId: number,
): Promise<{ proposal: PromptProposal; version: PromptVersion; previous: PromptVersion }> {
  const proposal = await stores.prompts.getProposal(proposalId);
  // The version a session would use now (the built-in text is stored on first use).
  await activePrompt(stores.prompts, proposal.prompt_name);
  return stores.prompts.applyProposal(proposalId);
}

/** Makes version `version` of a prompt the one sessions use: how a change is rolled back. */
export async function activateVersion(
  stores: Stores,
  name: PromptName,
  version: number,
): Promise<PromptVersion> {
  const found = await stores.prompts.getVersionByNumber(name, version);
  return stores.prompts.activate(found.id);
}

/** A unified diff between two versions of a prompt (`diff -u` style; only headers when they are equal). */
export async function diffVersions(
  stores: Stores,
  name: PromptName,
  from: number,
  to: number,
): Promise<string> {
  const a = await stores.prompts.getVersionByNumber(name, from);
  const b = await stores.prompts.getVersionByNumber(name, to);
  const patch = createTwoFilesPatch(
    `${name} v${a.version}`,
    `${name} v${b.version}`,
    a.content,
    b.content,
    a.created_at,
    b.created_at,
    { headerOptions: FILE_HEADERS_ONLY },
  );
  return patch.endsWith("\n") ? patch : `${patch}\n`;
}
