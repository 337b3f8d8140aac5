import os from "node:os";
import type { Command } from "commander";
import { batonHome, type LoadedConfig } from "../../config/load.ts";
import { DOCTOR_CHECKS } from "../../doctor/checks.ts";
import { doctorReport, formatDoctorJson, formatDoctorText } from "../../doctor/report.ts";
import { type DoctorContext, runChecks } from "../../doctor/result.ts";
import { fail, isBatonError } from "../../errors.ts";
import { SUMMARY } from "../command-summaries.ts";
import type { CliIo } from "../io.ts";
import { loadCliConfig } from "./config.ts";

export function registerDoctorCommand(program: Command, io: CliIo): void {
  program
    .command("doctor")
    .description(SUMMARY.doctor)
    .option("--json", "print { checks, ok } as JSON")
    .action(async (options: { json?: boolean }) => {
      const report = doctorReport(await runChecks(doctorContext(program, io), DOCTOR_CHECKS));
      io.out(options.json ? formatDoctorJson(report) : formatDoctorText(report));
      if (!report.ok) {
        const failed = report.checks.filter((c) => c.status === "fail").map((c) => c.name);
        throw fail("BATON_DOCTOR_FAILED", { failed });
      }
    });
}

function doctorContext(program: Command, io: CliIo): DoctorContext {
  let loaded: LoadedConfig | null = null;
  let configError: Error | null = null;
  try {
    loaded = loadCliConfig(program, io);
  } catch (error) {
    if (!isBatonError(error, "BATON_CONFIG_INVALID") && !isBatonError(error, "BATON_CONFIG_FILE_UNREADABLE"))
      throw error;
    configError = error;
  }
  const globals = program.opts<{ config?: string; databaseUrl?: string }>();
  const same = [
    globals.config === undefined ? "" : ` --config ${globals.config}`,
    globals.databaseUrl === undefined ? "" : " --database-url <the same URL>",
  ].join("");
  return {
    env: io.env,
    cwd: io.cwd,
    homedir: io.env.HOME?.trim() || os.homedir(),
    platform: process.platform,
    arch: process.arch,
    nodeVersion: process.versions.node,
    home: loaded?.home ?? batonHome({ cwd: io.cwd, env: io.env }),
    loaded,
    configError,
    migrateCommand: `npx baton${same} db migrate`,
  };
}
