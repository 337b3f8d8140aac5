import type { Command } from "commander";
import { findChromium } from "../../agent/browser.ts";
import { runDemo } from "../../demo/run-demo.ts";
import { SUMMARY } from "../command-summaries.ts";
import type { CliIo } from "../io.ts";
import { wholeNumber } from "../parse-args.ts";

export function registerDemoCommand(program: Command, io: CliIo): void {
  program
    .command("demo")
    .description(SUMMARY.demo)
    .option("--dir <dir>", "keep the demo's database and app here (default: a new temp dir)")
    .option("--max-sessions <n>", "stop after this many sessions", "20")
    .action(async (options: { dir?: string; maxSessions: string }) => {
      const maxSessions = wholeNumber("--max-sessions", options.maxSessions, 1);
      io.out(
        "SCRIPTED MODEL: this demo runs the real Claude Agent SDK, but every reply comes from Baton's\n" +
          "built-in scripts, not from Claude. No credentials are used and nothing leaves this machine.\n\n",
      );
      const chromium = findChromium();
      await runDemo({
        dir: options.dir,
        maxSessions,
        browser: chromium ? { executablePath: chromium } : null,
        env: io.env,
        out: (line) => io.out(`${line}\n`),
      });
    });
}
