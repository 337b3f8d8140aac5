import type { Command } from "commander";
import type { Stores } from "../../db/stores/index.ts";
import { fail, isBatonError } from "../../errors.ts";
import { type AnalysisOutcome, analyzePrompts } from "../../review/analysis.ts";
import { applyProposal } from "../../review/proposals.ts";
import { formatAnalysisOutcome, versionTitle } from "../../views/prompt-view.ts";
import { SUMMARY } from "../command-summaries.ts";
import type { CliIo } from "../io.ts";
import { wholeNumber } from "../parse-args.ts";
import { withStores } from "../prompt-args.ts";
import { loadCliConfig } from "./config.ts";

interface ImproveFlags {
  projects?: string;
  days: string;
  model?: string;
  applyAll?: boolean;
  json?: boolean;
}

const DAY_MS = 86_400_000;

export function registerImproveCommand(program: Command, io: CliIo): void {
  program
    .command("improve")
    .description(SUMMARY.improve)
    .option("--projects <names>", "comma-separated project names or ids (default: every project)")
    .option("--days <n>", "look at sessions of the last N days", "30")
    .option("--model <model>", "the model that analyses (default: models.review)")
    .option("--apply-all", "apply every proposal at once, each to the prompt as the ones before left it")
    .option("--json", "print JSON")
    .action((flags: ImproveFlags) => improve(program, io, flags));
}

async function improve(program: Command, io: CliIo, flags: ImproveFlags): Promise<void> {
  const days = wholeNumber("--days", flags.days, 1);
  const names = (flags.projects ?? "")
    .split(",")
    .map((n) => n.trim())
    .filter((n) => n !== "");
  if (flags.projects !== undefined && names.length === 0) {
    throw fail("BATON_USAGE", { reason: "--projects: expected comma-separated project names or ids" });
  }
  const loaded = loadCliConfig(program, io, {
    flags: { "models.review": flags.model },
    flagNames: { "models.review": "--model" },
  });
  await withStores(
    program,
    io,
    async (stores) => {
      const projectIds: number[] = [];
      for (const name of names) projectIds.push((await stores.projects.find(name)).id);
      const outcome = await analyzePrompts(
        { stores, env: io.env, model: loaded.config.models.review, cwd: io.cwd },
        { project_ids: projectIds, date_from: new Date(Date.now() - days * DAY_MS).toISOString() },
      );
      const applied = flags.applyAll ? await applyAll(stores, outcome) : [];
      io.out(
        flags.json ? `${JSON.stringify({ ...outcome, applied }, null, 2)}\n` : formatAnalysisOutcome(outcome),
      );
      if (!flags.json) for (const line of applied) io.out(`${line.message}\n`);
      if (outcome.analysis.status === "error") {
        throw fail("BATON_SESSION_FAILED", {
          reason: `analysis ${outcome.analysis.id} failed: ${outcome.analysis.error ?? "unknown error"}`,
        });
      }
    },
    loaded,
  );
}

/** Applies each proposal in turn; one whose before text an earlier one changed is skipped. */
async function applyAll(
  stores: Stores,
  outcome: AnalysisOutcome,
): Promise<{ proposal_id: number; version_id: number | null; message: string }[]> {
  const results: { proposal_id: number; version_id: number | null; message: string }[] = [];
  for (const proposal of outcome.proposals) {
    try {
      const { version } = await applyProposal(stores, proposal.id);
      results.push({
        proposal_id: proposal.id,
        version_id: version.id,
        message: `applied proposal ${proposal.id}: ${versionTitle(version)}`,
      });
    } catch (error) {
      if (!isBatonError(error, "BATON_PROPOSAL_STALE")) throw error;
      results.push({ proposal_id: proposal.id, version_id: null, message: `skipped: ${error.message}` });
    }
  }
  return results;
}
