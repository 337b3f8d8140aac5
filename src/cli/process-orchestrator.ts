import { hostname } from "node:os";
import { findChromium } from "../agent/browser.ts";
import type { Config } from "../config/schema.ts";
import type { Stores } from "../db/stores/index.ts";
import type { Logger } from "../logs/process-log.ts";
import { Orchestrator } from "../orchestrator/orchestrator.ts";
import type { RunQueue } from "../queue/run-queue.ts";

/**
 * The orchestrator of a long-lived Baton process (`baton serve`, `baton run`, `baton worker`):
 * named `<role>:<host>:<pid>` on the sessions it runs, with the system Chromium when there is one.
 */
export function processOrchestrator(
  role: "server" | "cli" | "worker",
  deps: {
    stores: Stores;
    config: Config;
    env: Record<string, string | undefined>;
    home: string;
    log: Logger;
    queue?: RunQueue;
  },
): { orchestrator: Orchestrator; workerId: string; chromium: string | null } {
  const chromium = findChromium();
  const workerId = processName(role);
  const orchestrator = new Orchestrator({
    stores: deps.stores,
    bus: deps.stores.bus,
    config: deps.config,
    env: deps.env,
    workerId,
    log: deps.log,
    browser: chromium ? { executablePath: chromium } : null,
    batonHome: deps.home,
    ...(deps.queue ? { queue: deps.queue } : {}),
  });
  return { orchestrator, workerId, chromium };
}

/** The name of this process on the sessions it runs and in the job queue: `<role>:<host>:<pid>`. */
export function processName(role: "server" | "cli" | "worker"): string {
  return `${role}:${hostname()}:${process.pid}`;
}

/** What a long-lived process says as it starts: sessions it recovered, a missing Chromium. */
export function startNotes(
  io: { out(text: string): void },
  recovered: number,
  chromium: string | null,
): void {
  if (recovered > 0) io.out(`recovered ${recovered} session(s) left running by a stopped worker\n`);
  if (!chromium)
    io.out("no Chromium found: sessions cannot verify UI work in a browser (apt-get install chromium)\n");
}

/** Resolves with the first SIGINT or SIGTERM the process receives. */
export function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
}
