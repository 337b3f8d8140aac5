import type { Command } from "commander";
import { createStores } from "../../db/stores/index.ts";
import { serveTaskToolsOverStdio, TASK_SERVER_NAME } from "../../tasks/stdio-server.ts";
import { SUMMARY } from "../command-summaries.ts";
import { withDatabase } from "../database.ts";
import type { CliIo } from "../io.ts";

const STOP_SIGNALS = ["SIGTERM", "SIGINT"] as const;

/**
 * `baton mcp --project NAME`: the task tools of one project as a stdio MCP server, for Claude Code
 * or any MCP client. stdout carries only MCP messages; diagnostics go to stderr.
 */
export function registerMcpCommand(program: Command, io: CliIo): void {
  program
    .command("mcp")
    .description(SUMMARY.mcp)
    .requiredOption("--project <name>", "the project, by name or id")
    .action(async (options: { project: string }) => {
      await withDatabase(program, io, {}, async (database) => {
        const stores = createStores(database.db);
        const project = await stores.projects.find(options.project);
        const stop = new AbortController();
        const onSignal = () => stop.abort();
        for (const s of STOP_SIGNALS) process.once(s, onSignal);
        io.err(
          `baton mcp: serving the task tools of project ${project.name} (MCP server "${TASK_SERVER_NAME}", database ${database.target.display}) on stdio\n`,
        );
        try {
          await serveTaskToolsOverStdio(
            { stores, projectId: project.id, sessionId: null },
            { signal: stop.signal },
          );
        } finally {
          for (const s of STOP_SIGNALS) process.off(s, onSignal);
        }
        io.err("baton mcp: stopped\n");
      });
    });
}
