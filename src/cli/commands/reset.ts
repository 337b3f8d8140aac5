import { createInterface } from "node:readline";
import type { Command } from "commander";
import { fail } from "../../errors.ts";
import { applyReset, planReset, type ResetPlan } from "../../orchestrator/reset.ts";
import { resolveRunSettings } from "../../orchestrator/run-settings.ts";
import { SUMMARY } from "../command-summaries.ts";
import type { CliIo } from "../io.ts";
import { withProject } from "../project-arg.ts";

interface ResetFlags {
  projectDir?: string;
  dryRun?: boolean;
  yes?: boolean;
}

export function registerResetCommand(program: Command, io: CliIo): void {
  program
    .command("reset")
    .description(SUMMARY.reset)
    .argument("[project]", "the same as --project-dir")
    .option(
      "--project-dir <dir>",
      "the project: a directory, a name under project.generations_dir, or a project name or id (default: the working directory)",
    )
    .option("--dry-run", "print what the reset would change, and change nothing")
    .option("-y, --yes", "reset without asking")
    .action(async (arg: string | undefined, flags: ResetFlags) => {
      if (arg !== undefined && flags.projectDir !== undefined && arg !== flags.projectDir) {
        throw fail("BATON_USAGE", { reason: "name the project once: as an argument or with --project-dir" });
      }
      const interactive = io.input?.isTTY === true;
      if (!flags.dryRun && !flags.yes && !interactive) {
        throw fail("BATON_USAGE", {
          reason:
            "baton reset asks for confirmation, but its input is not a terminal; pass --yes to reset, or --dry-run to see what it would change",
        });
      }
      await withProject(program, io, flags.projectDir ?? arg, async ({ config, stores, project, home }) => {
        // The sandbox the project's sessions run in (its own setting, else the config): docker means a container to remove.
        const deps = { stores, home, sandbox: { type: resolveRunSettings(project, config).sandbox } };
        if (flags.dryRun || !flags.yes) {
          const plan = await planReset(deps, project.id);
          io.out(formatPlan(plan));
          if (flags.dryRun) {
            io.out("(dry run: nothing changed)\n");
            return;
          }
          if (!(await confirmed(io, `Reset ${project.name}? Type y to go on: `))) {
            io.out("not reset: nothing changed\n");
            return;
          }
        }
        const report = await applyReset(deps, project.id, {
          onStep: (step) => io.out(`✓ ${step.name}: ${step.done}\n`),
        });
        io.out(
          `${project.name} is back to right after initialization; the next session is number ${report.plan.database.next_session_number}\n`,
        );
      });
    });
}

function formatPlan(plan: ResetPlan): string {
  const head = `reset ${plan.project.name} (${plan.project.directory}) to its init commit ${plan.initCommit.slice(0, 7)}:\n`;
  return head + plan.steps.map((s) => `  ${s.name}: ${s.description}\n`).join("");
}

async function confirmed(io: CliIo, question: string): Promise<boolean> {
  const input = io.input;
  if (input === undefined) return false;
  io.out(question);
  const lines = createInterface({ input, terminal: false });
  try {
    for await (const line of lines) return /^\s*y(es)?\s*$/i.test(line);
    return false;
  } finally {
    lines.close();
  }
}
