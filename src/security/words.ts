/**
 * Shell words read as text, without the syntax tree: the fast path for plain words (plainWords,
 * wholeWord) and the decoding of quoting, escapes and `$'…'` strings that both paths share.
 */
import type { Word } from "./steps.ts";

/** Characters of a word outside quotes that never expand or end it (not `$ \` \\ ~ * ? [ { # ; & …`), by char code. */
const PLAIN: readonly boolean[] = Array.from({ length: 128 }, (_, code) =>
  /[A-Za-z0-9_./:@%+,=-]/.test(String.fromCharCode(code)),
);
const EXPANDS_IN_DOUBLE_QUOTES = /[$`\\]/;

/**
 * The words of a command's text when each is made of plain characters, single-quoted strings
 * and double-quoted strings without `$`, `` ` `` or `\\` (`git commit -m "fix: x"`, `awk '{print}'`),
 * and no assignment (`=` in the first word) and no `==`/`=~` operator; otherwise null. Such
 * words are literal and hold no command, so they need no walk through the tree (whose nodes
 * cost a call into WebAssembly each). The parser has already made this text one command.
 */
export function plainWords(text: string, args: Word[]): Word | null {
  let name: Word | null = null;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    const word = scanWord(text, i, name === null);
    if (word === null) return null;
    if (name === null) name = word;
    else args.push(word);
    i = scanEnd;
  }
  return name;
}

/** `text` as one plain word (an argument's or a name's whole text), or null (see plainWords). */
export function wholeWord(text: string): Word | null {
  const word = scanWord(text, 0, true);
  return word !== null && scanEnd === text.length ? word : null;
}

/** Where the last word scanWord read ends. */
let scanEnd = 0;

/** The plain word starting at `start` (its end in scanEnd); null if it is not plain. */
function scanWord(text: string, start: number, first: boolean): Word | null {
  const n = text.length;
  let i = start;
  let value = "";
  let parts = 0;
  let expands = false;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) break;
    if (c === 39 /* ' */) {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return null;
      value += text.slice(i + 1, end);
      i = end + 1;
    } else if (c === 34 /* " */) {
      const end = text.indexOf('"', i + 1);
      if (end < 0) return null;
      const inner = text.slice(i + 1, end);
      if (inner.includes("$")) {
        if (!onlyVariables(inner)) return null;
        expands = true;
      } else if (EXPANDS_IN_DOUBLE_QUOTES.test(inner)) return null;
      value += inner;
      i = end + 1;
    } else {
      if (PLAIN[c] !== true) return null;
      let end = i + 1;
      while (end < n && PLAIN[text.charCodeAt(end)] === true) end++;
      if (parts === 0 && (end === n || text.charCodeAt(end) === 32 || text.charCodeAt(end) === 9)) {
        // the common case: one run of plain characters, its own value
        const word = text.slice(start, end);
        if (word.charCodeAt(0) === 61 /* = */ || (first && word.includes("="))) return null;
        scanEnd = end;
        return { value: word, text: word };
      }
      value += text.slice(i, end);
      i = end;
    }
    parts++;
  }
  const wordText = text.slice(start, i);
  if (wordText === "" || wordText.startsWith("=") || (first && wordText.includes("="))) return null;
  scanEnd = i;
  if (expands) return { value: null, text: wordText };
  // As for the tree's concatenations: quoted braces next to other parts count as an expansion.
  if (parts > 1 && hasBraceExpansion(wordText)) return { value: null, text: wordText, braced: value };
  return { value, text: wordText };
}

/**
 * Where the variable expansion `$name` or `${…}` starting at `i` ends, or -1 when it is anything
 * else (`$(…)`, `$'…'`, `$1`, a `${…}` holding quotes, substitutions or other braces).
 */
function variableEnd(text: string, i: number): number {
  const next = text.charCodeAt(i + 1);
  if (next === 123 /* { */) {
    const close = text.indexOf("}", i + 2);
    if (close < 0) return -1;
    return BRACED_VARIABLE.test(text.slice(i + 2, close)) ? close + 1 : -1;
  }
  if (!NAME_START[next]) return -1;
  let end = i + 2;
  while (end < text.length && NAME_PART[text.charCodeAt(end)] === true) end++;
  return end;
}

/** Inside double quotes: text and `$name`/`${…}` expansions only (no `$(`, `` ` ``, `\\`). */
function onlyVariables(inner: string): boolean {
  if (EXPANDS_IN_DOUBLE_QUOTES_BUT_VARIABLES.test(inner)) return false;
  for (let i = inner.indexOf("$"); i >= 0; i = inner.indexOf("$", i)) {
    const end = variableEnd(inner, i);
    if (end < 0) return false;
    i = end;
  }
  return true;
}

const NAME_START: readonly boolean[] = Array.from({ length: 128 }, (_, c) =>
  /[A-Za-z_]/.test(String.fromCharCode(c)),
);
const NAME_PART: readonly boolean[] = Array.from({ length: 128 }, (_, c) =>
  /[A-Za-z0-9_]/.test(String.fromCharCode(c)),
);
/** The inside of `${…}` this scanner accepts: a name and an operator over plain text (`${x}`, `${x:-y}`, `${#x}`). */
const BRACED_VARIABLE =
  /^#?[A-Za-z_][A-Za-z0-9_]*(?:(?::?[-=+?]|##?|%%?|\/\/?|,,?|\^\^?)[A-Za-z0-9_./:@%+,=~ -]*)?$/;
const EXPANDS_IN_DOUBLE_QUOTES_BUT_VARIABLES = /[`\\]|\$\(/;

/** Whether the redirection starting at `start` (`2>file`, `{fd}<file`, `&>file`) writes. */
export function redirectWrites(source: string, start: number): boolean {
  let i = start;
  if (source[i] === "{") i = source.indexOf("}", i) + 1;
  while (i < source.length && source.charCodeAt(i) >= 48 && source.charCodeAt(i) <= 57) i++;
  return source[i] !== "<";
}

/** `{a,b}` and `{1..3}` expand into several words, so they are not literal. */
export function hasBraceExpansion(text: string): boolean {
  return text.includes("{") && /\{[^{}]*(,|\.\.)[^{}]*\}/.test(text);
}

export function unescapeWord(text: string): string {
  return text.includes("\\") ? text.replace(/\\(\n|[\s\S])/g, (_, c: string) => (c === "\n" ? "" : c)) : text;
}

const ANSI_C_SIMPLE: Readonly<Record<string, string>> = {
  n: "\n",
  t: "\t",
  r: "\r",
  a: "\x07",
  b: "\b",
  e: "\x1b",
  E: "\x1b",
  f: "\f",
  v: "\v",
  "\\": "\\",
  "'": "'",
  '"': '"',
  "?": "?",
};

export function decodeAnsiC(body: string): string {
  return body.replace(
    /\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c.|[\s\S])/g,
    (whole, esc: string) => {
      const head = esc[0] ?? "";
      if (head === "x" || head === "u" || head === "U") {
        const code = Number.parseInt(esc.slice(1), 16);
        return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      if (/[0-7]/.test(head)) return String.fromCharCode(Number.parseInt(esc, 8) & 0xff);
      if (head === "c") return String.fromCharCode((esc.charCodeAt(1) || 0) & 0x1f);
      return ANSI_C_SIMPLE[esc] ?? whole;
    },
  );
}
