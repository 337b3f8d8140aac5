import type { Command } from "commander";
import { readPlanCoverage } from "../../plan/coverage.ts";
import { formatCoverageText } from "../../views/coverage-view.ts";
import { SUMMARY } from "../command-summaries.ts";
import type { CliIo } from "../io.ts";
import { PROJECT_ARGUMENT, withProject } from "../project-arg.ts";

export function registerCoverageCommand(program: Command, io: CliIo): void {
  program
    .command("coverage")
    .description(SUMMARY.coverage)
    .argument(...PROJECT_ARGUMENT)
    .option("--json", "print JSON")
    .action(async (arg: string | undefined, options: { json?: boolean }) => {
      await withProject(program, io, arg, async ({ stores, project }) => {
        const coverage = await readPlanCoverage(stores.plan, project.id);
        io.out(
          options.json
            ? `${JSON.stringify({ project: project.name, ...coverage }, null, 2)}\n`
            : formatCoverageText(project.name, coverage),
        );
      });
    });
}
