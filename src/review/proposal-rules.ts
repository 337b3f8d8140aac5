import { fail } from "../errors.ts";
import type { ProposalStatus } from "./model.ts";

/**
 * Where a proposal may go from each status. Applying a proposal that is only proposed accepts it
 * on the way; an applied proposal is history (undo it by activating an earlier version).
 */
export const PROPOSAL_TRANSITIONS: Record<ProposalStatus, readonly ProposalStatus[]> = {
  proposed: ["accepted", "rejected", "applied"],
  accepted: ["accepted", "rejected", "applied"],
  rejected: ["rejected", "accepted"],
  applied: [],
};

export function assertProposalTransition(proposalId: number, from: ProposalStatus, to: ProposalStatus): void {
  if (PROPOSAL_TRANSITIONS[from].includes(to)) return;
  throw fail("BATON_PROPOSAL_INVALID_TRANSITION", {
    proposal_id: proposalId,
    from,
    to,
    reason:
      from === "applied"
        ? "is applied already; to undo it, activate an earlier version of the prompt"
        : `is ${from}; it cannot become ${to}${to === "applied" ? " (accept it first)" : ""}`,
  });
}
