import type { Command } from "commander";
import type { LeafPath } from "../../config/schema.ts";
import { createStores } from "../../db/stores/index.ts";
import { fail } from "../../errors.ts";
import { fileLogger, processLogPath } from "../../logs/process-log.ts";
import { openRunQueue } from "../../queue/run-queue.ts";
import { takeRuns } from "../../queue/take-run.ts";
import { requireSandbox } from "../../security/sandbox.ts";
import { buildServer } from "../../server/app.ts";
import { Auth } from "../../server/auth.ts";
import { SUMMARY } from "../command-summaries.ts";
import { withDatabase } from "../database.ts";
import type { CliIo } from "../io.ts";
import { wholeNumber } from "../parse-args.ts";
import { processName, processOrchestrator, startNotes, stopSignal } from "../process-orchestrator.ts";
import { loadCliConfig } from "./config.ts";

interface ServeFlags {
  host?: string;
  port?: number;
  insecure?: boolean;
  /** false with --no-worker: an API server only; runs go to the job queue for `baton worker`. */
  worker?: boolean;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/** What `baton serve` (and `npm start`) runs until SIGINT/SIGTERM: the API, the UI and the orchestrator. */
export function registerServeCommand(program: Command, io: CliIo): void {
  program
    .command("serve")
    .alias("start")
    .description(SUMMARY.serve)
    .option("--host <host>", "address to listen on (server.host; default 127.0.0.1)")
    .option("--port <port>", "port to listen on (server.port; default 8000)", (v: string) =>
      wholeNumber("--port", v, 1),
    )
    .option("--insecure", "allow listening beyond this machine without a password (auth.ui_password)")
    .option("--no-worker", "run no sessions here: queue runs for `baton worker` processes (PostgreSQL only)")
    .action((flags: ServeFlags) => serve(program, io, flags));
}

async function serve(program: Command, io: CliIo, flags: ServeFlags): Promise<void> {
  const configFlags: Partial<Record<LeafPath, unknown>> = {
    "server.host": flags.host,
    "server.port": flags.port,
  };
  const loaded = loadCliConfig(program, io, {
    flags: configFlags,
    flagNames: { "server.host": "--host", "server.port": "--port" },
  });
  const { config, home } = loaded;
  const auth = Auth.fromConfig(config.auth, home);
  const { host, port } = config.server;
  if (!auth.enabled && !LOOPBACK.has(host) && flags.insecure !== true) {
    throw fail("BATON_SERVER_INSECURE", { host });
  }
  // An API server that queues its runs runs no session: the sandbox is the workers' to have.
  if (flags.worker !== false) await requireSandbox(config.sandbox.type, io.env);

  await withDatabase(
    program,
    io,
    {},
    async (database) => {
      const stores = createStores(database.db);
      const bus = stores.bus;
      const log = fileLogger(processLogPath(home, "serve"));
      // On PostgreSQL runs are jobs in the queue, which this server also takes (unless --no-worker).
      const queued = flags.worker === false || database.dialect === "postgres";
      const queue = queued ? await openRunQueue(database, config, processName("server"), log) : undefined;
      const { orchestrator, chromium, workerId } = processOrchestrator("server", {
        stores,
        config,
        env: io.env,
        home,
        log,
        ...(queue ? { queue } : {}),
      });
      const recovered = await orchestrator.recover();
      const app = await buildServer(
        { database, stores, bus, orchestrator, config, home, env: io.env, auth },
        { log },
      );
      const address = await app.listen({ host, port });
      io.out(`Baton ${address} (API docs: ${address}/api/docs)\n`);
      io.out(
        auth.enabled
          ? "auth: password (auth.ui_password); log in at POST /api/auth/login\n"
          : `auth: none (development mode${LOOPBACK.has(host) ? ": listening on this machine only" : ", --insecure"})\n`,
      );
      const taker =
        queue && flags.worker !== false
          ? await takeRuns(
              { orchestrator, stores, log, queue },
              config.orchestrator.max_concurrent_projects,
              `server ${workerId}`,
            )
          : undefined;
      if (taker) io.out(`${taker.note}\n`);
      else if (queue) io.out("runs are queued for `baton worker` processes (--no-worker)\n");
      startNotes(io, recovered.length, chromium);

      const signal = await stopSignal();
      io.out(`${signal}: stopping; running sessions are being finished\n`);
      const reason = `the server stopped (${signal})`;
      if (taker) await taker.stop(reason);
      else {
        orchestrator.stopAll(reason);
        await orchestrator.idle();
        await queue?.stop();
      }
      await app.close();
      io.out("stopped\n");
    },
    loaded,
  );
}
