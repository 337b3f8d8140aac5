import type { Command } from "commander";
import { createStores } from "../../db/stores/index.ts";
import { fail } from "../../errors.ts";
import { readCapacity } from "../../orchestrator/capacity.ts";
import { readStatusReport, type StatusSections } from "../../projects/status-report.ts";
import { readRunQueue } from "../../queue/run-queue.ts";
import { formatCapacityText } from "../../views/capacity-view.ts";
import { formatStatusText } from "../../views/status-view.ts";
import { utc } from "../../views/text.ts";
import { SUMMARY } from "../command-summaries.ts";
import { withDatabase } from "../database.ts";
import type { CliIo } from "../io.ts";
import { positiveSeconds, wholeNumber } from "../parse-args.ts";
import { PROJECT_ARGUMENT, withProject } from "../project-arg.ts";
import { repeatEvery, untilInterrupted } from "../repeat.ts";
import { loadCliConfig } from "./config.ts";

/** How many sessions `--recent` lists. */
export const RECENT_SESSIONS = 10;
export const DEFAULT_WATCH_INTERVAL_S = 2;
const CLEAR_SCREEN = "\x1b[H\x1b[2J";

interface StatusOptions {
  epics?: boolean;
  epic?: string;
  pending?: boolean;
  recent?: boolean;
  next?: boolean;
  watch?: boolean;
  interval?: string;
  count?: string;
  json?: boolean;
  capacity?: boolean;
}

export function registerStatusCommand(program: Command, io: CliIo): void {
  program
    .command("status")
    .description(SUMMARY.status)
    .argument(...PROJECT_ARGUMENT)
    .option("--epics", "each epic with its progress")
    .option("--epic <id>", "one epic's tasks with their test counts")
    .option("--pending", "the open tasks")
    .option("--recent", `the last ${RECENT_SESSIONS} sessions`)
    .option("--next", "the next task with its tests and their steps")
    .option("--capacity", "every project: sessions running, runs queued, the workers and the limits")
    .option("--json", "print the same data as JSON (with --watch: one JSON object a line)")
    .option("--watch", "redraw until Ctrl+C")
    .option(
      "--interval <seconds>",
      `with --watch: seconds between redraws (default ${DEFAULT_WATCH_INTERVAL_S})`,
    )
    .option("--count <n>", "with --watch: stop after this many redraws")
    .action(async (arg: string | undefined, options: StatusOptions) => {
      if (options.capacity) return showCapacity(program, io, arg, options);
      const sections = sectionsOf(options);
      const watch = watchOptions(options);
      await withProject(program, io, arg, async ({ stores, project }) => {
        const render = async () => {
          const report = await readStatusReport(stores, project.id, sections, new Date());
          if (!options.json) return formatStatusText(report);
          return `${JSON.stringify(report, null, watch ? undefined : 2)}\n`;
        };
        if (!watch) {
          io.out(await render());
          return;
        }
        await untilInterrupted((signal) =>
          repeatEvery(watch.intervalS * 1000, { times: watch.count, signal }, async (i) => {
            const text = await render();
            if (options.json) io.out(text);
            else {
              const head = `Every ${watch.intervalS}s · ${utc(new Date().toISOString())} · Ctrl+C to stop\n\n`;
              io.out(`${io.isTTY ? CLEAR_SCREEN : i > 1 ? "\n" : ""}${head}${text}`);
            }
            return true;
          }),
        );
      });
    });
}

/** `--capacity`: Baton's load as a whole (capacity.ts), with the queue when there is one. */
async function showCapacity(
  program: Command,
  io: CliIo,
  arg: string | undefined,
  options: StatusOptions,
): Promise<void> {
  const others = Object.entries(options).filter(
    ([k, v]) => k !== "capacity" && k !== "json" && v !== undefined,
  );
  if (arg !== undefined || others.length > 0) {
    throw fail("BATON_USAGE", {
      reason: "--capacity is about every project: give it no project and only --json",
    });
  }
  const loaded = loadCliConfig(program, io);
  await withDatabase(
    program,
    io,
    {},
    async (database) => {
      const stores = createStores(database.db);
      const queue = await readRunQueue(database, loaded.config);
      try {
        const capacity = await readCapacity({ stores, config: loaded.config, ...(queue ? { queue } : {}) });
        if (options.json) return io.out(`${JSON.stringify(capacity, null, 2)}\n`);
        const names = new Map((await stores.projects.list()).map((p) => [p.id, p.name]));
        io.out(formatCapacityText(capacity, names));
      } finally {
        await queue?.close();
      }
    },
    loaded,
  );
}

function sectionsOf(o: StatusOptions): StatusSections {
  const sections: StatusSections = {
    epics: o.epics,
    epic: o.epic === undefined ? undefined : wholeNumber("--epic", o.epic, 1),
    pending: o.pending,
    recent: o.recent ? RECENT_SESSIONS : undefined,
    next: o.next,
  };
  const any = Object.values(sections).some((v) => v !== undefined && v !== false);
  return { ...sections, summary: !any };
}

function watchOptions(o: StatusOptions): { intervalS: number; count: number | undefined } | null {
  if (!o.watch) {
    const stray = o.interval !== undefined ? "--interval" : o.count !== undefined ? "--count" : null;
    if (stray) throw fail("BATON_USAGE", { reason: `${stray} only applies with --watch` });
    return null;
  }
  const intervalS =
    o.interval === undefined ? DEFAULT_WATCH_INTERVAL_S : positiveSeconds("--interval", o.interval);
  return { intervalS, count: o.count === undefined ? undefined : wholeNumber("--count", o.count, 1) };
}
