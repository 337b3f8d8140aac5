/**
 * The shell command policy: judges a command line before a session runs it.
 *
 * The command is parsed with a real bash parser (./bash-parser.ts) and EVERY simple command in
 * it is judged — in lists, pipelines, subshells, $(…), `…`, <(…), function bodies, here-documents,
 * the strings given to `bash -c`/`sh -c`/`eval`/`trap`/`alias` (parsed in turn, to a depth
 * limit), and behind wrappers (env, command, builtin, exec, nice, nohup, timeout, time, xargs,
 * find -exec, watch). What cannot be parsed or checked is denied. Every decision carries one
 * line a model can act on.
 */
import type { Parser } from "web-tree-sitter";
import { loadBashParser } from "./bash-parser.ts";
import { type Decision, messageOf, type PolicyContext } from "./decision.ts";
import { Judge } from "./judge.ts";

export type { Decision, PolicyContext, PolicyMode } from "./decision.ts";
export { MAX_SCRIPT_DEPTH } from "./judge.ts";

/** Decides whether `command` may run. Never throws: failures are denials with a reason. */
export async function decideCommand(command: string, ctx: PolicyContext): Promise<Decision> {
  let parser: Parser;
  try {
    parser = await loadBashParser();
  } catch (error) {
    return { allowed: false, reason: `could not load the bash parser: ${messageOf(error)}` };
  }
  return decideWithParser(parser, command, ctx);
}

/** Loads the parser once and returns a synchronous decider (for hot paths such as tool hooks). */
export async function createCommandPolicy(): Promise<(command: string, ctx: PolicyContext) => Decision> {
  const parser = await loadBashParser();
  return (command, ctx) => decideWithParser(parser, command, ctx);
}

export function decideWithParser(parser: Parser, command: string, ctx: PolicyContext): Decision {
  try {
    const judge = new Judge(parser, ctx);
    const denial = judge.script(command, 0);
    if (denial !== null) return denial;
    const names = [...new Set(judge.seen)];
    return {
      allowed: true,
      reason:
        names.length === 0 ? "nothing to run" : `permitted by the ${ctx.mode} policy: ${names.join(", ")}`,
    };
  } catch (error) {
    return { allowed: false, reason: `could not judge the command: ${messageOf(error)}` };
  }
}
