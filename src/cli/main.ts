import { Command, CommanderError, type Command as CommandType } from "commander";
import { isBatonError } from "../errors.ts";
import { type CommandName, SUMMARY } from "./command-summaries.ts";
import { CommandDeniedExit } from "./denied-exit.ts";
import { type CliIo, processIo } from "./io.ts";

export const EXIT = { ok: 0, failure: 1, usage: 2, denied: 3, interrupted: 130 } as const;

type Register = (program: CommandType, io: CliIo) => void;

/**
 * Every top-level command and the module that defines it, loaded only when that command runs:
 * `baton --help` loads none, `baton status` only status's (a module may define several commands).
 */
const COMMANDS: {
  names: readonly CommandName[];
  aliases?: readonly string[];
  load: () => Promise<Register>;
}[] = [
  {
    names: ["serve"],
    aliases: ["start"],
    load: async () => (await import("./commands/serve.ts")).registerServeCommand,
  },
  { names: ["worker"], load: async () => (await import("./commands/worker.ts")).registerWorkerCommand },
  { names: ["config"], load: async () => (await import("./commands/config.ts")).registerConfigCommand },
  { names: ["db"], load: async () => (await import("./commands/db.ts")).registerDbCommands },
  { names: ["policy"], load: async () => (await import("./commands/policy.ts")).registerPolicyCommand },
  { names: ["run", "init"], load: async () => (await import("./commands/run.ts")).registerRunCommands },
  { names: ["demo"], load: async () => (await import("./commands/demo.ts")).registerDemoCommand },
  { names: ["mcp"], load: async () => (await import("./commands/mcp.ts")).registerMcpCommand },
  { names: ["reset"], load: async () => (await import("./commands/reset.ts")).registerResetCommand },
  { names: ["delete"], load: async () => (await import("./commands/delete.ts")).registerDeleteCommand },
  { names: ["projects"], load: async () => (await import("./commands/projects.ts")).registerProjectsCommand },
  { names: ["status"], load: async () => (await import("./commands/status.ts")).registerStatusCommand },
  { names: ["logs"], load: async () => (await import("./commands/logs.ts")).registerLogsCommand },
  { names: ["coverage"], load: async () => (await import("./commands/coverage.ts")).registerCoverageCommand },
  { names: ["doctor"], load: async () => (await import("./commands/doctor.ts")).registerDoctorCommand },
  { names: ["prompts"], load: async () => (await import("./commands/prompts.ts")).registerPromptsCommand },
  { names: ["improve"], load: async () => (await import("./commands/improve.ts")).registerImproveCommand },
  { names: ["review"], load: async () => (await import("./commands/review.ts")).registerReviewCommand },
  { names: ["openapi"], load: async () => (await import("./commands/openapi.ts")).registerOpenapiCommand },
];

/** Global options that take a value: the word after them is not the command. */
const VALUE_OPTIONS = new Set(["--config", "--database-url"]);

/** The command `argv` names (`baton help X` names X), or undefined. */
export function commandOf(argv: readonly string[]): string | undefined {
  const words: string[] = [];
  for (let i = 2; i < argv.length && words.length < 2; i++) {
    const arg = argv[i] ?? "";
    if (VALUE_OPTIONS.has(arg)) i++;
    else if (!arg.startsWith("-")) words.push(arg);
  }
  return words[0] === "help" ? words[1] : words[0];
}

/**
 * The program for `argv`: the command it names, defined in full; or, for `--help`, no command or
 * an unknown one, every command by its one-line summary (so commander lists them and suggests).
 * `all` defines every command in full (for tests and the docs).
 */
export async function buildProgram(io: CliIo, argv: readonly string[] = [], all = false): Promise<Command> {
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
  const named = commandOf(argv);
  const chosen = COMMANDS.filter(
    (c) => all || (named !== undefined && [...c.names, ...(c.aliases ?? [])].includes(named)),
  );
  if (chosen.length === 0) {
    for (const c of COMMANDS) {
      for (const [i, name] of c.names.entries()) {
        const stub = program.command(name).description(SUMMARY[name]);
        if (i === 0) for (const alias of c.aliases ?? []) stub.alias(alias);
      }
    }
  }
  for (const c of chosen) (await c.load())(program, io);
  return program;
}

/** Runs the CLI and returns its exit code; never calls process.exit, so tests can drive it in-process. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const program = await buildProgram(io, argv);
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
