import os from "node:os";
import path from "node:path";
import type { Command } from "commander";
import { policyContext } from "../../agent/command-policy.ts";
import { decideCommand } from "../../security/command-policy.ts";
import { secretPaths } from "../../security/secret-paths.ts";
import { SUMMARY } from "../command-summaries.ts";
import { CommandDeniedExit } from "../denied-exit.ts";
import type { CliIo } from "../io.ts";
import { loadCliConfig } from "./config.ts";

export function registerPolicyCommand(program: Command, io: CliIo): void {
  const policy = program.command("policy").description(SUMMARY.policy);

  policy
    .command("check")
    .description("say whether a session may run COMMAND, and why (exit 0 allowed, 3 denied)")
    .argument("<command>", "the shell command, quoted as one argument (put it after --)")
    .option(
      "--project-dir <dir>",
      "the project directory paths are judged against (default: current directory)",
    )
    .option("--mode <mode>", "blocklist or allowlist (default: security.mode from the config)")
    .action(async (command: string, options: { projectDir?: string; mode?: string }) => {
      const projectDir = path.resolve(io.cwd, options.projectDir ?? ".");
      const { config, home: batonHome } = loadCliConfig(program, io, {
        projectDir,
        flags: { "security.mode": options.mode },
        flagNames: { "security.mode": "--mode" },
      });
      // As a session gets it: the same context, the same secrets.
      const decision = await decideCommand(
        command,
        policyContext(config, projectDir, secretPaths({ projectDir, home: os.homedir(), batonHome })),
      );
      io.out(`${decision.allowed ? "allowed" : "denied"}: ${decision.reason}\n`);
      if (!decision.allowed) throw new CommandDeniedExit(decision.reason);
    });
}
