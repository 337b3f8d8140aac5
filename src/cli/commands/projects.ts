import type { Command } from "commander";
import { createStores } from "../../db/stores/index.ts";
import { formatProjectsText, projectLine } from "../../views/projects-view.ts";
import { SUMMARY } from "../command-summaries.ts";
import { withDatabase } from "../database.ts";
import type { CliIo } from "../io.ts";

export function registerProjectsCommand(program: Command, io: CliIo): void {
  program
    .command("projects")
    .description(SUMMARY.projects)
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      await withDatabase(program, io, {}, async (database) => {
        const stores = createStores(database.db);
        const [projects, progress, running] = await Promise.all([
          stores.projects.list(),
          stores.plan.progressByProject(),
          stores.sessions.runningByProject(),
        ]);
        const lines = projects.map((p) => projectLine(p, progress.get(p.id), running.get(p.id)));
        io.out(options.json ? `${JSON.stringify(lines, null, 2)}\n` : formatProjectsText(lines));
      });
    });
}
