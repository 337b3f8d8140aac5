import os from "node:os";
import type { Command } from "commander";
import { formatConfigJson, formatConfigText } from "../../config/format.ts";
import { type LoadedConfig, loadConfig } from "../../config/load.ts";
import type { LeafPath } from "../../config/schema.ts";
import { SUMMARY } from "../command-summaries.ts";
import type { CliIo } from "../io.ts";

/** Warnings already printed by this program (a command may load its config more than once). */
const printed = new WeakMap<Command, Set<string>>();

/**
 * The config every command runs with: the global `--config FILE` and `--database-url URL`
 * options of `program`, the environment and the working directory of `io`. What a baton.yaml
 * tried and was refused is said once, on stderr.
 */
export function loadCliConfig(
  program: Command,
  io: CliIo,
  opts: {
    projectDir?: string;
    /** A command's own flags that set config keys, with the flag names for origins and errors. */
    flags?: Partial<Record<LeafPath, unknown>>;
    flagNames?: Partial<Record<LeafPath, string>>;
  } = {},
): LoadedConfig {
  const options = program.opts();
  const configFile: unknown = options.config;
  const databaseUrl: unknown = options.databaseUrl;
  const loaded = loadConfig({
    cwd: io.cwd,
    env: io.env,
    projectDir: opts.projectDir,
    configFile: typeof configFile === "string" ? configFile : undefined,
    flags: { ...opts.flags, "database.url": typeof databaseUrl === "string" ? databaseUrl : undefined },
    flagNames: { ...opts.flagNames, "database.url": "--database-url" },
  });
  const said = printed.get(program) ?? new Set<string>();
  printed.set(program, said);
  for (const warning of loaded.warnings) {
    if (said.has(warning)) continue;
    said.add(warning);
    io.err(`baton: warning: ${warning}\n`);
  }
  return loaded;
}

export function registerConfigCommand(program: Command, io: CliIo): void {
  program
    .command("config")
    .description(SUMMARY.config)
    .option("--json", "print { config, origins, files, home } as JSON")
    .action((options: { json?: boolean }) => {
      const loaded = loadCliConfig(program, io);
      io.out(
        options.json
          ? formatConfigJson(loaded)
          : formatConfigText(loaded, { cwd: io.cwd, homedir: os.homedir() }),
      );
    });
}
