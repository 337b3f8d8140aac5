import { execFile } from "node:child_process";
import { formatDuration } from "../util/duration.ts";

export type CommandOutcome = { ok: true; stdout: string } | { ok: false; timedOut: boolean; message: string };

/** Runs a program with arguments (no shell) and says what it printed, or why it failed. */
export function runProgram(
  file: string,
  args: readonly string[],
  options: { env: Record<string, string | undefined>; timeoutMs: number },
): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    execFile(
      file,
      [...args],
      { env: options.env, timeout: options.timeoutMs, encoding: "utf8", killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve({ ok: true, stdout: stdout.trim() });
          return;
        }
        const timedOut = error.killed === true && error.signal === "SIGKILL";
        const said = (stderr.trim() || stdout.trim()).split("\n")[0] ?? "";
        const message = timedOut
          ? `did not answer within ${formatDuration(options.timeoutMs)}`
          : said !== ""
            ? said
            : error.message;
        resolve({ ok: false, timedOut, message });
      },
    );
  });
}
