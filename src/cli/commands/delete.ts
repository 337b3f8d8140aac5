import type { Command } from "commander";
import { fail } from "../../errors.ts";
import { silentLogger } from "../../logs/process-log.ts";
import { Orchestrator } from "../../orchestrator/orchestrator.ts";
import { SUMMARY } from "../command-summaries.ts";
import type { CliIo } from "../io.ts";
import { withProject } from "../project-arg.ts";

interface DeleteFlags {
  files?: boolean;
  yes?: string;
}

/** `baton delete`: the orchestrator's delete, as `DELETE /api/projects/:id` calls it. */
export function registerDeleteCommand(program: Command, io: CliIo): void {
  program
    .command("delete")
    .description(SUMMARY.delete)
    .argument("<project>", "the project: a name or id, or its directory")
    .option("--files", "remove the project's folder too")
    .requiredOption("--yes <name>", "confirm by naming the project again")
    .action(async (arg: string, flags: DeleteFlags) => {
      await withProject(program, io, arg, async ({ config, stores, project, home }) => {
        if (flags.yes !== project.name) {
          throw fail("BATON_CONFIRMATION_REQUIRED", {
            confirm: project.name,
            reason: `--yes ${flags.yes} does not match: deleting project ${project.name} needs --yes ${project.name}`,
          });
        }
        const orchestrator = new Orchestrator({
          stores,
          bus: stores.bus,
          config,
          env: io.env,
          workerId: "cli:delete",
          browser: null,
          batonHome: home,
          log: silentLogger(),
        });
        const deleted = await orchestrator.deleteProject(project, { deleteFiles: flags.files === true });
        io.out(
          `deleted project ${deleted.name}${deleted.files_deleted ? ` and its folder ${deleted.directory}` : ` (its folder ${deleted.directory} is kept)`}${deleted.container ? `; container ${deleted.container.name} ${deleted.container.removed ? "removed" : "was not there"}` : ""}\n`,
        );
      });
    });
}
