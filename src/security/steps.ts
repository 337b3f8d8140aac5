/**
 * What a command line runs, as the policy sees it: the simple commands, compound commands'
 * redirections and assignments that parse.ts finds in the bash syntax tree, in order.
 */

/** One shell word: `value` is its literal value (quotes and escapes removed), or null when it expands. */
export interface Word {
  value: string | null;
  text: string;
  /** When `value` is null only because of brace expansion (`{a,b}`): the value with the braces left in. */
  braced?: string;
}

/**
 * A here-document's or here-string's text: null when it is not a literal (a here-string with a
 * variable); `expands` when it is an unquoted here-document whose `$…` and `` `…` `` bash
 * replaces before the command reads it (a shell judges those itself; other programs get text the
 * policy cannot see).
 */
export interface StdinText {
  text: string | null;
  expands: boolean;
}

/** A file redirection (`< file`, `> file`, `2>> log`): where it points, and whether it writes there. */
export interface Redirect {
  target: Word;
  writes: boolean;
}

export interface SimpleCommand {
  kind: "command";
  name: Word;
  args: Word[];
  /** The command's source text (for messages). */
  text: string;
  /** Its standard input comes from a pipe (`a | this`, `>(this)`). */
  piped: boolean;
  /** What here-documents and here-strings feed its standard input. */
  stdin: readonly StdinText[];
  /** Its file redirections (opened before it runs, from the same working directory). */
  redirects: readonly Redirect[];
}

/** The file redirections of a compound command (`{ …; } < file`, `while …; done > log`), opened before its body runs. */
export interface RedirectStep {
  kind: "redirects";
  redirects: readonly Redirect[];
  text: string;
}

/** A variable the command line sets (`X=…`, `export X=…`, or `X=… cmd` before cmd): its value when literal. */
export interface AssignStep {
  kind: "assign";
  name: string;
  value: string | null;
  /** The value as written (`$HOME/.aws`), for what the policy can expand of it. */
  valueText: string;
  text: string;
}

/** What runs, in order. */
export type Step = SimpleCommand | RedirectStep | AssignStep;

export type Flattened = { ok: true; steps: Step[] } | { ok: false; error: string };
