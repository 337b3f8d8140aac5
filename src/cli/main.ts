import { Command, CommanderError } from "commander";
import { isBatonError } from "../errors.ts";
import { registerConfigCommand } from "./commands/config.ts";
import { registerCoverageCommand } from "./commands/coverage.ts";
import { registerDbCommands } from "./commands/db.ts";
import { registerDeleteCommand } from "./commands/delete.ts";
import { registerDemoCommand } from "./commands/demo.ts";
import { registerDoctorCommand } from "./commands/doctor.ts";
import { registerImproveCommand } from "./commands/improve.ts";
import { registerLogsCommand } from "./commands/logs.ts";
import { registerMcpCommand } from "./commands/mcp.ts";
import { registerOpenapiCommand } from "./commands/openapi.ts";
import { CommandDeniedExit, registerPolicyCommand } from "./commands/policy.ts";
import { registerProjectsCommand } from "./commands/projects.ts";
import { registerPromptsCommand } from "./commands/prompts.ts";
import { registerResetCommand } from "./commands/reset.ts";
import { registerReviewCommand } from "./commands/review.ts";
import { registerRunCommands } from "./commands/run.ts";
import { registerServeCommand } from "./commands/serve.ts";
import { registerStatusCommand } from "./commands/status.ts";
import { registerWorkerCommand } from "./commands/worker.ts";
import { type CliIo, processIo } from "./io.ts";

export const EXIT = { ok: 0, failure: 1, usage: 2, denied: 3, interrupted: 130 } as const;

export function buildProgram(io: CliIo): Command {
  const program = new Command("baton")
    .description("Builds complete applications from a specification with Claude, session after session.")
    .option("--config <file>", "read this config file instead of ~/.baton/config.yaml and ./baton.yaml")
    .option("--database-url <url>", "database to use (postgres://… or sqlite:PATH); overrides DATABASE_URL")
    .showHelpAfterError("(run `baton --help` for usage)")
    .configureOutput({
      writeOut: (s) => io.out(s),
      writeErr: (s) => io.err(s),
    })
    .exitOverride();
  registerServeCommand(program, io);
  registerWorkerCommand(program, io);
  registerConfigCommand(program, io);
  registerDbCommands(program, io);
  registerPolicyCommand(program, io);
  registerRunCommands(program, io);
  registerDemoCommand(program, io);
  registerMcpCommand(program, io);
  registerResetCommand(program, io);
  registerDeleteCommand(program, io);
  registerProjectsCommand(program, io);
  registerStatusCommand(program, io);
  registerLogsCommand(program, io);
  registerCoverageCommand(program, io);
  registerDoctorCommand(program, io);
  registerPromptsCommand(program, io);
  registerImproveCommand(program, io);
  registerReviewCommand(program, io);
  registerOpenapiCommand(program, io);
  return program;
}

/** Runs the CLI and returns its exit code; never calls process.exit, so tests can drive it in-process. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version are "errors" to commander; they have exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    // `baton policy check` printed its decision already; a denial is an answer, not a failure.
    if (error instanceof CommandDeniedExit) return EXIT.denied;
    if (isBatonError(error)) {
      io.err(`baton: ${error.message}\n`);
      return error.exitCode;
    }
    io.err(
      `baton: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT.failure;
  }
}
