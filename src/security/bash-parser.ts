/**
 * The bash parser: tree-sitter's bash grammar (tree-sitter-bash, compiled to WebAssembly)
 * run by web-tree-sitter. Loading is async and done once per process; parsing is synchronous.
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
