import type { Command } from "commander";
import type { CliIo } from "../io.ts";

/** `npm start` runs this. Until the server lands (issue 6) it prints the CLI's help. */
export function registerStartCommand(program: Command, io: CliIo): void {
  program
    .command("start", { hidden: true })
    .description("start Baton (API + web UI + orchestrator); for now prints this help")
    .action(() => {
      io.out("Baton's server is not built yet; here is what the CLI can do today.\n\n");
      io.out(program.helpInformation());
    });
}
