import { homedir } from "node:os";
import { resolve } from "node:path";
import type { Command } from "commander";
import { detectCredentials } from "../../agent/credentials.ts";
import { describeOrigin } from "../../config/format.ts";
import type { LeafPath } from "../../config/schema.ts";
import { createStores } from "../../db/stores/index.ts";
import { fail } from "../../errors.ts";
import { createEventFeed } from "../../events/feed.ts";
import { fileLogger, processLogPath } from "../../logs/process-log.ts";
import type { RunOptions } from "../../orchestrator/orchestrator.ts";
import { isSuccessfulEnd } from "../../orchestrator/run-end.ts";
import { type RunOverrides, resolveRunSettings } from "../../orchestrator/run-settings.ts";
import { createProject } from "../../projects/create-project.ts";
import { projectDirectory, projectNameFor } from "../../projects/locate.ts";
import { requireSandbox } from "../../security/sandbox.ts";
import { SUMMARY } from "../command-summaries.ts";
import { withDatabase } from "../database.ts";
import type { CliIo } from "../io.ts";
import { wholeNumber } from "../parse-args.ts";
import { processOrchestrator } from "../process-orchestrator.ts";
import { RunOutput } from "../run-output.ts";
import { loadCliConfig } from "./config.ts";

interface RunFlags {
  projectDir: string;
  spec?: string;
  maxIterations?: string;
  model?: string;
  initializerModel?: string;
  codingModel?: string;
  auto?: boolean;
  verbose?: boolean;
}

/** Said before a run whose sessions run without the sandbox: nothing else contains them. */
export function sandboxOffBanner(from: string): string {
  return [
    `!! THE SANDBOX IS OFF for this run (sandbox.type: none, from ${from}).`,
    "!! Shell commands of its sessions run unconfined on this machine, with only the command policy",
    "!! between them and your files, keys and other projects. Set sandbox.type: os to turn it on.",
    "",
  ].join("\n");
}

/** A graceful stop (first Ctrl+C or SIGTERM) ends with 0; a forced one (the second) with 130. */
export const FORCED_EXIT_CODE = 130;

export function registerRunCommands(program: Command, io: CliIo): void {
  const common = (command: Command) =>
    command
      .requiredOption(
        "--project-dir <dir>",
        "the project's directory; a bare name goes under project.generations_dir",
      )
      .option("--spec <path>", "the spec (.md/.txt file or a folder of them) to create the project from")
      .option("--model <model>", "the model of every session (default: models.initializer / models.coding)")
      .option("--initializer-model <model>", "the model of the planning session")
      .option("--verbose", "show every tool call");
  common(program.command("run"))
    .description(SUMMARY.run)
    .option("--max-iterations <n>", "stop after this many coding sessions")
    .option("--coding-model <model>", "the model of coding sessions")
    .option("--auto", "after planning, go straight on into coding (no stop for review)")
    .action((flags: RunFlags) => runCommand(program, io, flags, {}));
  common(program.command("init"))
    .description(SUMMARY.init)
    .action((flags: RunFlags) => runCommand(program, io, flags, { initializeOnly: true }));
}

async function runCommand(program: Command, io: CliIo, flags: RunFlags, mode: RunOptions): Promise<void> {
  const maxIterations =
    flags.maxIterations === undefined ? undefined : wholeNumber("--max-iterations", flags.maxIterations, 1);
  const configFlags: Partial<Record<LeafPath, unknown>> = {
    "models.initializer": flags.initializerModel ?? flags.model,
    "models.coding": flags.codingModel ?? flags.model,
    "project.max_iterations": maxIterations,
  };
  const flagNames: Partial<Record<LeafPath, string>> = {
    "models.initializer": flags.initializerModel ? "--initializer-model" : "--model",
    "models.coding": flags.codingModel ? "--coding-model" : "--model",
    "project.max_iterations": "--max-iterations",
  };
  const base = loadCliConfig(program, io);
  const directory = projectDirectory(flags.projectDir, {
    cwd: io.cwd,
    generationsDir: base.config.project.generations_dir,
  });
  const loaded = loadCliConfig(program, io, { projectDir: directory, flags: configFlags, flagNames });

  const code = await withDatabase(
    program,
    io,
    {},
    async (database) => {
      const stores = createStores(database.db);
      let project = await stores.projects.findByDirectory(directory);
      if (!project) {
        // Nothing is created without credentials and a sandbox to run it with.
        detectCredentials(io.env);
        if (flags.spec === undefined) {
          throw fail("BATON_USAGE", {
            reason: `there is no project in ${directory} yet; give --spec FILE (or a folder of .md/.txt files) to create it`,
          });
        }
        await requireSandbox(loaded.config.sandbox.type, io.env);
        project = await createProject(stores, {
          name: projectNameFor(directory),
          directory,
          spec: resolve(io.cwd, flags.spec),
        });
        io.out(`created project ${project.name} in ${directory}\n`);
      } else if (flags.spec !== undefined) {
        io.out(
          `project ${project.name} exists in ${directory}; --spec is ignored (the plan comes from its first spec)\n`,
        );
      }

      const budget = loaded.config.project.budget_usd;
      if (budget !== null && budget !== project.budget_usd) {
        project = await stores.projects.update(project.id, { budget_usd: budget });
        io.out(`budget set to $${budget.toFixed(2)} (project.budget_usd)\n`);
      }

      const bus = stores.bus;
      const log = fileLogger(processLogPath(loaded.home, "run"));
      const { orchestrator, chromium } = processOrchestrator("cli", {
        stores,
        config: loaded.config,
        env: io.env,
        home: loaded.home,
        log,
      });
      const output = new RunOutput(io, stores, project.id, { verbose: flags.verbose === true });
      // The flags given go over the project's settings, which go over the configuration.
      const overrides: RunOverrides = {
        ...(flags.model === undefined ? {} : { model: flags.model }),
        ...(flags.initializerModel === undefined ? {} : { initializerModel: flags.initializerModel }),
        ...(flags.codingModel === undefined ? {} : { codingModel: flags.codingModel }),
        ...(maxIterations === undefined ? {} : { maxIterations }),
      };
      const settings = resolveRunSettings(project, loaded.config, overrides);
      if (settings.sandbox === "none") {
        const from =
          settings.sources.sandbox === "project"
            ? "the project's settings"
            : describeOrigin(loaded.origins["sandbox.type"], { cwd: io.cwd, homedir: homedir() });
        io.err(sandboxOffBanner(from));
      }
      if (!chromium)
        output.line(
          "no Chromium found: sessions cannot verify UI work in a browser (apt-get install chromium)",
        );
      let pending = Promise.resolve();
      bus.subscribe((event) => {
        pending = pending
          .then(() => output.handle(event))
          .catch((err: unknown) => log.warn({ err, event_id: event.id }, "event not shown"));
      });

      const projectId = project.id;
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        signals++;
        if (signals === 1) {
          output.line(
            `${signal}: stopping; the running session is being finished (press Ctrl+C again to force)`,
          );
          orchestrator.stopNow(projectId, `stopped by ${signal}`);
        } else {
          process.exit(FORCED_EXIT_CODE);
        }
      };
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      // Other processes' events reach this one's bus too: a stop asked for through the API of a
      // server on the same database ends this run (the orchestrator acts on stop_requested).
      const feed = createEventFeed({ database, stores, bus, log });
      await feed.start();
      try {
        const result = await orchestrator.run(project.id, {
          ...mode,
          ...overrides,
          auto: flags.auto === true,
        });
        if (orchestrator.reviews.pending > 0)
          output.line("waiting for the deep review running in the background");
        await orchestrator.idle();
        await pending;
        output.close();
        io.out(`${result.end.replace(/_/g, " ")}: ${result.message}\n`);
        return isSuccessfulEnd(result.end) ? 0 : 1;
      } finally {
        await feed.stop();
        output.close();
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    },
    loaded,
  );
  if (code !== 0) throw fail("BATON_SESSION_FAILED", { reason: "the run stopped on an error (see above)" });
}
