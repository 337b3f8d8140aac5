/** Reading a simple command's arguments: options, their values, operands. */

import { type Decision, deny } from "./decision.ts";
import type { StdinText, Word } from "./steps.ts";

/** One command as the policy judges it: its name, its arguments, and how it is fed. */
export interface Invocation {
  name: Word;
  args: Word[];
  text: string;
  piped: boolean;
  stdin: readonly StdinText[];
  /** Its arguments (or part of them) come from input: xargs appends them, find -exec puts file names in `{}`. */
  fromInput?: "xargs" | "find";
}

export const NO_VALUES: ReadonlySet<string> = new Set();
export const XARGS_VALUES: ReadonlySet<string> = new Set([
  "-a",
  "-d",
  "-E",
  "-I",
  "-L",
  "-n",
  "-P",
  "-s",
  "--arg-file",
  "--delimiter",
  "--max-lines",
  "--max-args",
  "--max-procs",
  "--max-chars",
  "--process-slot-var",
]);

/** Index of the first argument after the leading options (and their values); null if one is not literal. */
export function skipOptions(args: Word[], withValue: ReadonlySet<string>): number | null {
  let i = 0;
  while (i < args.length) {
    const v = args[i]?.value;
    if (v === null || v === undefined) return null;
    if (v === "--") return i + 1;
    if (!v.startsWith("-") || v === "-") return i;
    i += withValue.has(v) ? 2 : 1;
  }
  return i;
}

export function withOptions(
  args: Word[],
  withValue: ReadonlySet<string>,
  text: string,
  then: (start: number) => Decision | null,
): Decision | null {
  const i = skipOptions(args, withValue);
  return i === null ? nonLiteralOption(text) : then(i);
}

export function nonLiteralOption(text: string): Decision {
  return deny("a wrapper's option is not a literal, so the command it runs can't be known", text);
}

/** Non-option arguments (everything after `--`, and words not starting with `-`). */
export function operands(args: Word[]): Word[] {
  const out: Word[] = [];
  let options = true;
  for (const w of args) {
    if (options && w.value === "--") options = false;
    else if (options && w.value?.startsWith("-") && w.value !== "-") continue;
    else out.push(w);
  }
  return out;
}

export function literal(value: string): Word {
  return { value, text: value };
}
