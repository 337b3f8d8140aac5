import type { Command } from "commander";
import type { Stores } from "../../db/stores/index.ts";
import { fail, isBatonError } from "../../errors.ts";
import { LogTail, sessionLogFile } from "../../logs/log-reader.ts";
import type { Project } from "../../projects/model.ts";
import type { Session } from "../../sessions/model.ts";
import { numberRanges } from "../../views/text.ts";
import { SUMMARY } from "../command-summaries.ts";
import type { CliIo } from "../io.ts";
import { wholeNumber } from "../parse-args.ts";
import { PROJECT_ARGUMENT, withProject } from "../project-arg.ts";
import { repeatEvery, untilInterrupted } from "../repeat.ts";

/** How often `--follow` looks for new lines and checks whether the session still runs. */
export const FOLLOW_POLL_MS = 500;

interface LogsOptions {
  session?: string;
  follow?: boolean;
  jsonl?: boolean;
}

export function registerLogsCommand(program: Command, io: CliIo): void {
  program
    .command("logs")
    .description(SUMMARY.logs)
    .argument(...PROJECT_ARGUMENT)
    .option("--session <n>", "the session's number (0 is the initializer)")
    .option("--follow", "keep printing what the session logs until it ends")
    .option("--jsonl", "print the JSONL event log instead of the text log")
    .action(async (arg: string | undefined, options: LogsOptions) => {
      const number = options.session === undefined ? undefined : wholeNumber("--session", options.session, 0);
      await withProject(program, io, arg, async ({ stores, project, home }) => {
        const session = await sessionToShow(stores, project, number);
        const tail = new LogTail(sessionLogFile({ home, project }, session, options.jsonl ? "jsonl" : "txt"));
        if (!options.follow) {
          io.out(tail.read());
          return;
        }
        // Until the session ends; a session that is not running is printed once.
        await untilInterrupted((signal) =>
          repeatEvery(FOLLOW_POLL_MS, { signal }, async () => {
            // The row first: whatever was logged before the session ended is then in the file.
            const { status } = await stores.sessions.get(session.id);
            io.out(tail.read());
            return status === "running";
          }),
        );
      });
    });
}

async function sessionToShow(stores: Stores, project: Project, number: number | undefined): Promise<Session> {
  if (number === undefined) {
    const latest = await stores.sessions.latest(project.id);
    if (latest) return latest;
    throw fail("BATON_SESSION_NOT_FOUND", {
      project_id: project.id,
      reason: `project ${project.name} has no sessions yet, so there is no log; \`baton run\` starts one`,
    });
  }
  try {
    return await stores.sessions.getByNumber(project.id, number);
  } catch (error) {
    if (!isBatonError(error, "BATON_SESSION_NOT_FOUND")) throw error;
    const numbers = (await stores.sessions.list(project.id))
      .filter((s) => s.type !== "review")
      .map((s) => s.number)
      .sort((a, b) => a - b);
    const existing =
      numbers.length === 0 ? "it has no sessions yet" : `its sessions are ${numberRanges(numbers)}`;
    throw fail("BATON_SESSION_NOT_FOUND", {
      project_id: project.id,
      number,
      reason: `project ${project.name} has no session ${number}; ${existing}`,
    });
  }
}
