/**
 * Flattens a bash AST (tree-sitter-bash) into the simple commands it runs, wherever they sit:
 * lists, pipelines, subshells, compound commands, function bodies, $(…), `…`, <(…), >(…) and
 * here-documents. Words are reduced to their literal value when every part of them is literal.
 */
import type { Parser } from "web-tree-sitter";
import type { SyntaxNode } from "./bash-parser.ts";

/** One shell word: `value` is its literal value (quotes and escapes removed), or null when it expands. */
export interface Word {
  value: string | null;
  text: string;
}

export interface SimpleCommand {
  name: Word;
  args: Word[];
  /** The command's source text (for messages). */
  text: string;
  /** Its standard input comes from a pipe (`a | this`, `>(this)`). */
  piped: boolean;
  /** Scripts fed to its standard input by here-documents and here-strings (null: not literal). */
  stdin: (string | null)[];
}

export type Flattened = { ok: true; commands: SimpleCommand[] } | { ok: false; error: string };

/** Longest command judged at all; longer ones are denied rather than parsed. */
export const MAX_COMMAND_LENGTH = 100_000;

/** `piped`: the script's standard input is a pipe (as for `curl … | bash -c '…'`). */
export function flattenScript(parser: Parser, source: string, piped = false): Flattened {
  if (source.length > MAX_COMMAND_LENGTH) {
    return { ok: false, error: `the command is longer than ${MAX_COMMAND_LENGTH} characters` };
  }
  const tree = parser.parse(source);
  if (tree === null) return { ok: false, error: "the parser gave no result" };
  try {
    const root = tree.rootNode;
    if (root.hasError) return { ok: false, error: describeSyntaxError(root) };
    const out: Collected = { commands: [], problem: null };
    visit(root, piped, out);
    return out.problem === null ? { ok: true, commands: out.commands } : { ok: false, error: out.problem };
  } finally {
    tree.delete();
  }
}

function describeSyntaxError(root: SyntaxNode): string {
  const bad = findError(root);
  if (bad === null) return "syntax error";
  const where = `line ${bad.startPosition.row + 1}, column ${bad.startPosition.column + 1}`;
  if (bad.isMissing) return `syntax error at ${where}: missing \`${bad.type}\``;
  const near = bad.text.replace(/\s+/g, " ").slice(0, 40);
  return `syntax error at ${where}${near === "" ? "" : ` near \`${near}\``}`;
}

/**
 * The grammar parses $(…) inside an unquoted here-document but not `…`, which bash still runs;
 * such here-documents are refused rather than half-judged.
 */
function uncheckedBackticks(node: SyntaxNode): string | null {
  const children = node.namedChildren;
  const start = children.find((c) => c.type === "heredoc_start")?.text ?? "";
  const body = children.find((c) => c.type === "heredoc_body")?.text ?? "";
  if (!/['"\\]/.test(start) && body.includes("`")) {
    return "backquotes inside an unquoted here-document are not checked; use $(…) or quote the delimiter (<<'EOF')";
  }
  return null;
}

interface Collected {
  commands: SimpleCommand[];
  problem: string | null;
}

/** Node types that never contain a command. */
const LEAVES = new Set([
  "word",
  "raw_string",
  "ansi_c_string",
  "number",
  "string_content",
  "variable_name",
  "special_variable_name",
  "heredoc_start",
  "heredoc_end",
  "heredoc_content",
  "file_descriptor",
  "comment",
  "test_operator",
  "regex",
  "extglob_pattern",
]);

function findError(node: SyntaxNode): SyntaxNode | null {
  if (node.isError || node.isMissing) return node;
  for (const child of node.children) {
    if (child.hasError || child.isMissing) {
      const found = findError(child);
      if (found !== null) return found;
    }
  }
  return null;
}

function visit(node: SyntaxNode, piped: boolean, out: Collected): void {
  const type = node.type;
  if (LEAVES.has(type)) return;
  switch (type) {
    case "command":
      visitCommand(node, piped, [], out);
      return;
    case "redirected_statement": {
      const body = node.childForFieldName("body");
      const stdin = stdinScripts(node);
      if (body?.type === "command") visitCommand(body, piped, stdin, out);
      else if (body !== null) visit(body, piped, out);
      for (const child of node.namedChildren) if (child.id !== body?.id) visit(child, false, out);
      return;
    }
    case "pipeline": {
      // `cat <<EOF | sh`: the grammar puts the rest of the pipeline inside the here-document redirect.
      const insideHeredoc = node.parent?.type === "heredoc_redirect";
      node.namedChildren.forEach((child, index) => {
        visit(child, piped || insideHeredoc || index > 0, out);
      });
      return;
    }
    case "command_substitution":
      for (const child of node.namedChildren) visit(child, false, out);
      return;
    case "process_substitution": {
      const writesInto = node.text.startsWith(">(");
      for (const child of node.namedChildren) visit(child, writesInto, out);
      return;
    }
    case "heredoc_redirect":
      out.problem ??= uncheckedBackticks(node);
      for (const child of node.namedChildren) visit(child, piped, out);
      return;
    default:
      for (const child of node.namedChildren) visit(child, piped, out);
  }
}

function visitCommand(node: SyntaxNode, piped: boolean, stdin: (string | null)[], out: Collected): void {
  const nameNode = node.childForFieldName("name");
  const nameWord = nameNode?.namedChildren[0] ?? nameNode;
  if (nameWord !== null && nameWord !== undefined) {
    out.commands.push({
      name: toWord(nameWord),
      args: node.childrenForFieldName("argument").map(toWord),
      text: node.text,
      piped,
      stdin: [...stdin, ...stdinScripts(node)],
    });
  }
  // Substitutions inside the words and assignments run too.
  for (const child of node.namedChildren) visit(child, false, out);
}

function stdinScripts(node: SyntaxNode): (string | null)[] {
  const scripts: (string | null)[] = [];
  for (const child of node.namedChildren) {
    if (child.type === "heredoc_redirect") {
      const body = child.namedChildren.find((c) => c.type === "heredoc_body");
      scripts.push(body?.text ?? "");
    } else if (child.type === "herestring_redirect") {
      const word = child.namedChildren[0];
      scripts.push(word === undefined ? "" : toWord(word).value);
    }
  }
  return scripts;
}

export function toWord(node: SyntaxNode): Word {
  return { value: literalValue(node), text: node.text };
}

/** The literal value of a word node, or null when any part of it expands at run time. */
export function literalValue(node: SyntaxNode): string | null {
  switch (node.type) {
    case "word":
    case "command_name":
      if (node.type === "command_name") {
        const inner = node.namedChildren[0];
        return inner === undefined ? unescapeWord(node.text) : literalValue(inner);
      }
      return hasBraceExpansion(node.text) ? null : unescapeWord(node.text);
    case "number":
      return node.text;
    case "raw_string":
      return node.text.slice(1, -1);
    case "string":
    case "translated_string": {
      if (node.namedChildren.some((c) => c.type !== "string_content")) return null;
      const inner = node.type === "string" ? node.text.slice(1, -1) : node.text.slice(2, -1);
      return inner.replace(/\\([$`"\\\n])/g, (_, c: string) => (c === "\n" ? "" : c));
    }
    case "ansi_c_string":
      return decodeAnsiC(node.text.slice(2, -1));
    case "concatenation": {
      if (hasBraceExpansion(node.text)) return null;
      let value = "";
      for (const child of node.children) {
        const part = literalValue(child);
        if (part === null) return null;
        value += part;
      }
      return value;
    }
    default:
      return null;
  }
}

/** `{a,b}` and `{1..3}` expand into several words, so they are not literal. */
function hasBraceExpansion(text: string): boolean {
  return /\{[^{}]*(,|\.\.)[^{}]*\}/.test(text);
}

function unescapeWord(text: string): string {
  return text.replace(/\\(\n|[\s\S])/g, (_, c: string) => (c === "\n" ? "" : c));
}

function decodeAnsiC(body: string): string {
  const simple: Record<string, string> = {
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
      return simple[esc] ?? whole;
    },
  );
}
