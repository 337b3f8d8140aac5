import type { Command } from "commander";
import { activePrompt } from "../../agent/prompts.ts";
import type { Stores } from "../../db/stores/index.ts";
import { IMPROVABLE_PROMPTS } from "../../review/analysis.ts";
import {
  acceptProposal,
  activateVersion,
  applyProposal,
  diffVersions,
  rejectProposal,
} from "../../review/proposals.ts";
import {
  formatAnalysesTable,
  formatProposalsTable,
  formatProposalText,
  formatVersionsText,
  versionTitle,
} from "../../views/prompt-view.ts";
import { SUMMARY } from "../command-summaries.ts";
import type { CliIo } from "../io.ts";
import { wholeNumber } from "../parse-args.ts";
import { promptNameArg, proposalStatusArg, withStores } from "../prompt-args.ts";

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * Opens the stores for a command about versions, with the versions sessions would use now in
 * place (the built-in texts are stored as version 1 on first use, as a session would).
 */
function withVersions(program: Command, io: CliIo, use: (stores: Stores) => Promise<void>): Promise<void> {
  return withStores(program, io, async (stores) => {
    for (const name of IMPROVABLE_PROMPTS) await activePrompt(stores.prompts, name);
    await use(stores);
  });
}

export function registerPromptsCommand(program: Command, io: CliIo): void {
  const prompts = program.command("prompts").description(SUMMARY.prompts);

  prompts
    .command("list")
    .description("every prompt version, with the sessions that ran it and their average quick/deep rating")
    .argument("[name]", "only this prompt (initializer, coding, review)")
    .option("--json", "print JSON")
    .action(async (name: string | undefined, options: { json?: boolean }) => {
      const only = name === undefined ? undefined : promptNameArg(name);
      await withVersions(program, io, async (stores) => {
        const versions = await stores.prompts.versionsWithStats(only);
        io.out(options.json ? json(versions) : formatVersionsText(versions));
      });
    });

  prompts
    .command("show")
    .description("the text of a prompt: its active version, or --version N")
    .argument("<name>", "initializer, coding or review")
    .option("--version <n>", "this version instead of the active one")
    .option("--json", "print JSON")
    .action(async (nameArg: string, options: { version?: string; json?: boolean }) => {
      const name = promptNameArg(nameArg);
      const number = options.version === undefined ? undefined : wholeNumber("--version", options.version, 1);
      await withVersions(program, io, async (stores) => {
        const version =
          number === undefined
            ? await activePrompt(stores.prompts, name)
            : await stores.prompts.getVersionByNumber(name, number);
        io.out(options.json ? json(version) : `# ${versionTitle(version)}\n\n${version.content}`);
      });
    });

  prompts
    .command("diff")
    .description("a unified diff between two versions of a prompt")
    .argument("<name>", "initializer, coding or review")
    .argument("<from>", "the older version number")
    .argument("<to>", "the newer version number")
    .action(async (nameArg: string, from: string, to: string) => {
      const name = promptNameArg(nameArg);
      const [a, b] = [wholeNumber("FROM", from, 1), wholeNumber("TO", to, 1)];
      await withVersions(program, io, async (stores) => {
        io.out(await diffVersions(stores, name, a, b));
      });
    });

  prompts
    .command("activate")
    .description("make a version the one the next sessions use (how a change is rolled back)")
    .argument("<name>", "initializer, coding or review")
    .argument("<version>", "the version number")
    .action(async (nameArg: string, versionArg: string) => {
      const name = promptNameArg(nameArg);
      const number = wholeNumber("VERSION", versionArg, 1);
      await withVersions(program, io, async (stores) => {
        const version = await activateVersion(stores, name, number);
        io.out(`activated ${versionTitle(version)}\n`);
      });
    });

  prompts
    .command("analyses")
    .description("prompt-improvement analyses, newest first")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      await withStores(program, io, async (stores) => {
        const analyses = await stores.prompts.listAnalyses();
        io.out(options.json ? json(analyses) : formatAnalysesTable(analyses));
      });
    });

  prompts
    .command("proposals")
    .description("proposed prompt edits: of one analysis or all, optionally of one status")
    .option("--analysis <id>", "only this analysis")
    .option("--status <status>", "proposed, accepted, rejected or applied")
    .option("--full", "show each edit in full")
    .option("--json", "print JSON")
    .action(async (options: { analysis?: string; status?: string; full?: boolean; json?: boolean }) => {
      const analysis =
        options.analysis === undefined ? undefined : wholeNumber("--analysis", options.analysis, 1);
      const status = options.status === undefined ? undefined : proposalStatusArg(options.status);
      await withStores(program, io, async (stores) => {
        if (analysis !== undefined) await stores.prompts.getAnalysis(analysis);
        const proposals = await stores.prompts.listProposals(analysis, { status });
        if (options.json) io.out(json(proposals));
        else if (options.full) io.out(proposals.map(formatProposalText).join("\n") || "no proposals\n");
        else io.out(formatProposalsTable(proposals));
      });
    });

  const decide = (verb: string, description: string, run: (stores: Stores, id: number) => Promise<string>) =>
    prompts
      .command(verb)
      .description(description)
      .argument("<id>", "the proposal's id")
      .action(async (idArg: string) => {
        const id = wholeNumber("ID", idArg, 1);
        await withStores(program, io, async (stores) => io.out(await run(stores, id)));
      });
  decide("accept", "accept a proposal (apply it with `baton prompts apply ID`)", async (stores, id) =>
    formatProposalText(await acceptProposal(stores, id)),
  );
  decide("reject", "reject a proposal", async (stores, id) =>
    formatProposalText(await rejectProposal(stores, id)),
  );
  decide(
    "apply",
    "apply a proposal: its edit of the active prompt becomes a new active version the next sessions use",
    async (stores, id) => {
      const { version, previous } = await applyProposal(stores, id);
      return `applied proposal ${id}: ${versionTitle(version)}\nroll back with \`baton prompts activate ${previous.name} ${previous.version}\`\n`;
    },
  );
}
