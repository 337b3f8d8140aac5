/**
 * `baton worker`: takes runs from the job queue on PostgreSQL (src/queue/run-queue.ts) and runs
 * them, at most `orchestrator.max_concurrent_projects` at once, until SIGTERM or SIGINT. Runs are
 * queued by `baton serve` on PostgreSQL (which takes runs too, unless --no-worker). See docs/deploy.md.
 */
import type { Command } from "commander";
import { createStores } from "../../db/stores/index.ts";
import { createEventFeed } from "../../events/feed.ts";
import { fileLogger, processLogPath } from "../../logs/process-log.ts";
import { openRunQueue } from "../../queue/run-queue.ts";
import { takeRuns } from "../../queue/take-run.ts";
import { requireSandbox } from "../../security/sandbox.ts";
import { SUMMARY } from "../command-summaries.ts";
import { withDatabase } from "../database.ts";
import type { CliIo } from "../io.ts";
import { processOrchestrator, startNotes, stopSignal } from "../process-orchestrator.ts";
import { loadCliConfig } from "./config.ts";

export function registerWorkerCommand(program: Command, io: CliIo): void {
  program
    .command("worker")
    .description(SUMMARY.worker)
    .action(() => work(program, io));
}

async function work(program: Command, io: CliIo): Promise<void> {
  const loaded = loadCliConfig(program, io, {});
  const { config, home } = loaded;
  await withDatabase(
    program,
    io,
    {},
    async (database) => {
      await requireSandbox(config.sandbox.type, io.env);
      const stores = createStores(database.db);
      const log = fileLogger(processLogPath(home, "worker"));
      const { orchestrator, workerId, chromium } = processOrchestrator("worker", {
        stores,
        config,
        env: io.env,
        home,
        log,
      });
      // Stops asked for through any server, and every other process's events, reach this one.
      const feed = createEventFeed({ database, stores, bus: stores.bus, log });
      await feed.start();
      const recovered = await orchestrator.recover();
      const queue = await openRunQueue(database, config, workerId, log);
      const concurrency = config.orchestrator.max_concurrent_projects;
      const taker = await takeRuns({ orchestrator, stores, log, queue }, concurrency, `worker ${workerId}`);
      io.out(`${taker.note}\n`);
      startNotes(io, recovered.length, chromium);

      const signal = await stopSignal();
      io.out(
        `${signal}: stopping; running sessions are being finished and their runs put back in the queue\n`,
      );
      await taker.stop(`the worker stopped (${signal})`);
      await feed.stop();
      io.out("stopped\n");
    },
    loaded,
  );
}
