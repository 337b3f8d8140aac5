/**
 * What a shell word that is not a literal may name, as far as the policy can know: its tildes
 * (`~`, `~+`, `~-`, `~user`) and the variables it knows (HOME, PWD, USER, and those the command
 * line itself assigned before) are expanded, `${V:-default}` and friends give each value they
 * can take, and whatever cannot be known — other variables, `$(…)`, `` `…` ``, `$((…))` — is an
 * UNKNOWN mark. The secret rule then reads each value: a plain path, or, after its last unknown
 * part, a tail that can still name a credential (`$X/.ssh/id_rsa`).
 */
import { decodeAnsiC } from "./words.ts";

/** Stands for a part of a word whose value the policy cannot know. */
export const UNKNOWN = "\u0000";

/** Variables the policy knows the value of (null: set, but to something it cannot know). */
export type KnownVariables = ReadonlyMap<string, string | null>;

export interface ExpandContext {
  variables: KnownVariables;
  /** The home directory of an account (`~name`), or undefined when there is no such account. */
  homeOf(name: string): string | undefined;
  home: string;
  /** The working directory the policy follows (`~+`, `$PWD`). */
  cwd: string;
}

/** At most this many values per word: `${A:-x}${B:-y}…` multiplies them. */
const MAX_VALUES = 16;

/**
 * The values `text` (a word as written) can take; each may hold UNKNOWN marks. Undefined when the
 * text is not a word this reader follows (an unbalanced quote): the caller then knows nothing.
 */
export function expandWord(text: string, ctx: ExpandContext): string[] | undefined {
  const reader = new Reader(text, ctx);
  const values = reader.word();
  return reader.failed ? undefined : values;
}

class Reader {
  private i = 0;
  failed = false;

  constructor(
    private readonly text: string,
    private readonly ctx: ExpandContext,
  ) {}

  word(): string[] {
    let values = [this.tilde()];
    const t = this.text;
    while (this.i < t.length && !this.failed) {
      const c = t[this.i] as string;
      if (c === "'") {
        const end = t.indexOf("'", this.i + 1);
        if (end < 0) return this.fail();
        values = append(values, [t.slice(this.i + 1, end)]);
        this.i = end + 1;
      } else if (c === '"') {
        this.i++;
        values = append(values, this.doubleQuoted());
      } else if (c === "\\") {
        values = append(values, [t[this.i + 1] ?? ""]);
        this.i += 2;
      } else {
        values = append(values, this.expansionOrCharacter(c));
      }
    }
    return values;
  }

  /** What `c` at the reader's place stands for, in or out of double quotes: `$…`, `` `…` `` or itself. */
  private expansionOrCharacter(c: string): string[] {
    if (c === "$") return this.dollar();
    if (c === "`") return this.backquoted();
    this.i++;
    return [c];
  }

  /** A `` `…` `` substitution: its value cannot be known. */
  private backquoted(): string[] {
    const end = this.text.indexOf("`", this.i + 1);
    if (end < 0) {
      this.i = this.text.length;
      return this.fail();
    }
    this.i = end + 1;
    return [UNKNOWN];
  }

  private fail(): string[] {
    this.failed = true;
    return [];
  }

  /** A leading `~`, `~+`, `~-` or `~name` (up to the first `/`), as bash expands it. */
  private tilde(): string {
    const t = this.text;
    if (t[0] !== "~") return "";
    const slash = t.indexOf("/");
    const name = slash < 0 ? t.slice(1) : t.slice(1, slash);
    if (!/^[A-Za-z0-9_.+-]*$/.test(name)) return "";
    const end = slash < 0 ? t.length : slash;
    let value: string | undefined;
    if (name === "") value = this.ctx.home;
    else if (name === "+") value = this.ctx.cwd;
    else if (name === "-") value = UNKNOWN;
    else value = this.ctx.homeOf(name);
    if (value === undefined) return ""; // no such account: bash leaves `~name` as it is
    this.i = end;
    return value;
  }

  private doubleQuoted(): string[] {
    const t = this.text;
    let values = [""];
    while (this.i < t.length) {
      const c = t[this.i] as string;
      if (c === '"') {
        this.i++;
        return values;
      }
      if (c === "\\" && /[$`"\\\n]/.test(t[this.i + 1] ?? "")) {
        values = append(values, [t[this.i + 1] === "\n" ? "" : (t[this.i + 1] as string)]);
        this.i += 2;
      } else {
        values = append(values, this.expansionOrCharacter(c));
      }
    }
    return this.fail();
  }

  /** `$NAME`, `${…}`, `$(…)`, `$((…))`, `$'…'`, `$1`, `$?`, or a lone `$`. */
  private dollar(): string[] {
    const t = this.text;
    const next = t[this.i + 1];
    if (next === "(") {
      const end = closing(t, this.i + 1, "(", ")");
      if (end < 0) return this.fail();
      this.i = end + 1;
      return [UNKNOWN];
    }
    if (next === "{") {
      const end = closing(t, this.i + 1, "{", "}");
      if (end < 0) return this.fail();
      const inner = t.slice(this.i + 2, end);
      this.i = end + 1;
      return this.braced(inner);
    }
    if (next === "'") {
      const end = ansiEnd(t, this.i + 2);
      if (end < 0) return this.fail();
      const body = t.slice(this.i + 2, end);
      this.i = end + 1;
      return [decodeAnsiC(body)];
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(t.slice(this.i + 1))?.[0];
    if (name !== undefined) {
      this.i += 1 + name.length;
      return [this.variable(name)];
    }
    if (next !== undefined && /[0-9@*#?$!-]/.test(next)) {
      this.i += 2;
      return [UNKNOWN];
    }
    this.i++;
    return ["$"];
  }

  /** The inside of `${…}`: a name, maybe an operator and a word. */
  private braced(inner: string): string[] {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(:?[-=+?])?([\s\S]*)$/.exec(inner);
    if (match === null) return [UNKNOWN]; // ${#x}, ${x%y}, ${!x}, ${x/a/b}, …: not followed
    const [, name = "", op, rest = ""] = match;
    if (op === undefined) return rest === "" ? [this.variable(name)] : [UNKNOWN];
    const value = this.variable(name);
    const alternative = new Reader(rest, this.ctx);
    const words = alternative.word();
    if (alternative.failed) return [UNKNOWN];
    const known = value !== UNKNOWN;
    switch (op.replace(":", "")) {
      case "-":
      case "=":
        // Set (and, with `:`, not empty): its value; else the word.
        return known && (value !== "" || !op.startsWith(":")) ? [value] : [value, ...words];
      case "+":
        return known ? (value === "" && op.startsWith(":") ? [""] : words) : ["", ...words];
      default:
        return [value];
    }
  }

  private variable(name: string): string {
    const known = this.ctx.variables.get(name);
    if (known !== undefined) return known ?? UNKNOWN;
    if (name === "HOME") return this.ctx.home;
    if (name === "PWD") return this.ctx.cwd;
    return UNKNOWN;
  }
}

/** Every value of `a` followed by every value of `b`, at most MAX_VALUES of them. */
function append(a: string[], b: string[]): string[] {
  if (b.length === 1) return a.map((v) => v + b[0]);
  const out: string[] = [];
  for (const x of a) for (const y of b) if (out.length < MAX_VALUES) out.push(x + y);
  return out;
}

/** The index of the bracket closing the one at `open`, counting nested ones and skipping quotes. */
function closing(text: string, open: number, left: string, right: string): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") {
      i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return -1;
      i = end;
    } else if (c === left) {
      depth++;
    } else if (c === right && --depth === 0) {
      return i;
    }
  }
  return -1;
}

/** Where a `$'…'` string that starts at `start` (after the quote) ends. */
function ansiEnd(text: string, start: number): number {
  for (let i = start; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === "'") return i;
  }
  return -1;
}
