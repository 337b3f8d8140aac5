/**
 * The bash parser: tree-sitter's bash grammar (tree-sitter-bash, compiled to WebAssembly)
 * run by web-tree-sitter. Loading is async and done once per process; parsing is synchronous.
 * Also what a walk of its trees needs of the grammar, and the message for a syntax error.
 */
import { createRequire } from "node:module";
import { Language, type Node, Parser } from "web-tree-sitter";

export type SyntaxNode = Node;

let loading: Promise<Parser> | undefined;

/** The one shared parser (loaded on first use). Parsing with it is synchronous. */
export function loadBashParser(): Promise<Parser> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    await Parser.init();
    const bash = await Language.load(require.resolve("tree-sitter-bash/tree-sitter-bash.wasm"));
    const parser = new Parser();
    parser.setLanguage(bash);
    return parser;
  })();
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

/** Node types that never contain a command. */
export const LEAVES = new Set([
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

/** What the walk needs to know about the grammar, looked up once per language. */
export interface Grammar {
  /** Type name by type id (as `node.type` gives it). */
  types: readonly string[];
  /** Whether a type id is a named node (`node.isNamed`). */
  named: readonly boolean[];
  argumentField: number;
  bodyField: number;
}

const grammars = new WeakMap<Language, Grammar>();

export function grammarOf(language: Language): Grammar {
  let grammar = grammars.get(language);
  if (grammar === undefined) {
    const types = Array.from(language.types, (t) => t ?? "ERROR");
    grammar = {
      types,
      named: types.map((_, id) => language.nodeTypeIsNamed(id)),
      argumentField: language.fields.indexOf("argument"),
      bodyField: language.fields.indexOf("body"),
    };
    grammars.set(language, grammar);
  }
  return grammar;
}

/** Where the first syntax error of a tree is, for the message that denies it. */
export function describeSyntaxError(root: SyntaxNode): string {
  const bad = findError(root);
  if (bad === null) return "syntax error";
  const where = `line ${bad.startPosition.row + 1}, column ${bad.startPosition.column + 1}`;
  if (bad.isMissing) return `syntax error at ${where}: missing \`${bad.type}\``;
  const near = bad.text.replace(/\s+/g, " ").slice(0, 40);
  return `syntax error at ${where}${near === "" ? "" : ` near \`${near}\``}`;
}

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
