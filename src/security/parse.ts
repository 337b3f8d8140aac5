/**
 * Flattens a bash AST (tree-sitter-bash) into the simple commands it runs, wherever they sit:
 * lists, pipelines, subshells, compound commands, function bodies, $(…), `…`, <(…), >(…) and
 * here-documents. Words are reduced to their literal value when every part of them is literal.
 *
 * Every property read on a tree-sitter node (its type, its end, its children) is a call into
 * WebAssembly, which dominates the cost of a decision; the walk asks each node only what it
 * needs, once: a node's type comes from its type id, text is sliced from the source string, and
 * literal words are not descended into (they cannot hold a command).
 */
import type { Node, Parser } from "web-tree-sitter";
import { describeSyntaxError, type Grammar, grammarOf, LEAVES } from "./bash-parser.ts";
import type { Flattened, Redirect, RedirectStep, StdinText, Step, Word } from "./steps.ts";
import {
  decodeAnsiC,
  hasBraceExpansion,
  plainWords,
  redirectWrites,
  unescapeWord,
  wholeWord,
} from "./words.ts";

/** Longest command judged at all; longer ones are denied rather than parsed. */
export const MAX_COMMAND_LENGTH = 100_000;

/** `piped`: the script's standard input is a pipe (as for `curl … | bash -c '…'`). */
export function flattenScript(
  parser: Parser,
  source: string,
  piped = false,
  /** false: read every word from the tree (the tests check the shortcuts against this). */
  shortcuts = true,
): Flattened {
  if (source.length > MAX_COMMAND_LENGTH) {
    return { ok: false, error: `the command is longer than ${MAX_COMMAND_LENGTH} characters` };
  }
  const tree = parser.parse(source);
  if (tree === null) return { ok: false, error: "the parser gave no result" };
  try {
    const root = tree.rootNode;
    if (root.hasError) return { ok: false, error: describeSyntaxError(root) };
    const grammar = grammarOf(tree.language);
    const plain = !shortcuts || CONTEXTS.test(source) ? null : plainScript(root, source, piped, grammar);
    if (plain !== null) return { ok: true, steps: plain };
    const walk = new Walk(source, grammar, shortcuts);
    walk.visit(root, walk.typeOf(root), piped, "", null);
    return walk.problem === null ? { ok: true, steps: walk.steps } : { ok: false, error: walk.problem };
  } finally {
    tree.delete();
  }
}

/** Inside a word, what runs a command: `$(…)` (also `$((…))`, `${x:-$(…)}`), `` `…` ``, `<(…)`, `>(…)`. */
const MAY_RUN = /\$\(|`|[<>]\(/;

/** Children of a redirected statement that are not its body. */
const NOT_BODY = new Set(["file_redirect", "heredoc_redirect", "herestring_redirect"]);

/** What gives a command a context other than a pipe: a redirection, a here-document, a substitution. */
const CONTEXTS = /[<>$`]/;

/**
 * The commands of a script without redirections or expansions (`cd web && npm ci && npm run
 * build`, `git log --oneline | head`), when every one of them is made of plain words: found as
 * the walk finds them (with nothing here to reset a pipe: no substitution, no redirection), but
 * without looking inside a command. Null when a command has other words (the walk then reads
 * them from the tree).
 */
function plainScript(root: Node, source: string, piped: boolean, grammar: Grammar): Step[] | null {
  const steps: Step[] = [];
  return plainNode(root, "program", piped, source, grammar, steps) ? steps : null;
}

function plainNode(
  node: Node,
  type: string,
  piped: boolean,
  source: string,
  grammar: Grammar,
  steps: Step[],
): boolean {
  if (LEAVES.has(type)) return true;
  // Assignments are steps of their own (the walk reads them).
  if (type === "variable_assignment" || type === "declaration_command") return false;
  if (type === "command") {
    const text = source.slice(node.startIndex, node.endIndex);
    const args: Word[] = [];
    const name = plainWords(text, args);
    if (name === null) return false;
    steps.push({ kind: "command", name, args, text, piped, stdin: NONE, redirects: NONE });
    return true;
  }
  const kids = node.namedChildren;
  for (let i = 0; i < kids.length; i++) {
    const kid = kids[i] as Node;
    const kidType = grammar.types[kid.typeId] ?? "ERROR";
    if (!plainNode(kid, kidType, piped || (type === "pipeline" && i > 0), source, grammar, steps))
      return false;
  }
  return true;
}

/** No here-documents, no redirections: shared, and frozen so that nothing adds to it. */
const NONE: readonly never[] = Object.freeze([]);

const UNCHECKED_BACKTICKS =
  "backquotes inside an unquoted here-document are not checked; use $(…) or quote the delimiter (<<'EOF')";

/** A child node with its type, read once. */
interface Kid {
  node: Node;
  type: string;
}

class Walk {
  readonly steps: Step[] = [];
  problem: string | null = null;

  constructor(
    private readonly source: string,
    private readonly grammar: Grammar,
    private readonly shortcuts: boolean,
  ) {}

  typeOf(node: Node): string {
    return this.grammar.types[node.typeId] ?? "ERROR";
  }

  text(node: Node): string {
    return this.source.slice(node.startIndex, node.endIndex);
  }

  namedKids(node: Node): Kid[] {
    const kids: Kid[] = [];
    for (const child of node.namedChildren) kids.push({ node: child, type: this.typeOf(child) });
    return kids;
  }

  /**
   * `parentType`: the parent's type (a pipeline inside a here-document redirect is fed by it).
   * `sink`: where file redirections found here belong (the command or compound they apply to).
   */
  visit(node: Node, type: string, piped: boolean, parentType: string, sink: Redirect[] | null): void {
    if (LEAVES.has(type)) return;
    switch (type) {
      case "command":
        this.command(node, piped, []);
        return;
      case "redirected_statement":
        this.redirectedStatement(node, piped);
        return;
      case "pipeline": {
        // `cat <<EOF | sh`: the grammar puts the rest of the pipeline inside the here-document redirect.
        const insideHeredoc = parentType === "heredoc_redirect";
        const kids = this.namedKids(node);
        for (let i = 0; i < kids.length; i++) {
          const kid = kids[i] as Kid;
          this.visit(kid.node, kid.type, piped || insideHeredoc || i > 0, type, null);
        }
        return;
      }
      case "command_substitution":
        for (const kid of this.namedKids(node)) this.visit(kid.node, kid.type, false, type, null);
        return;
      case "variable_assignment":
        this.assignment(node);
        return;
      case "process_substitution": {
        const writesInto = this.source.startsWith(">(", node.startIndex);
        for (const kid of this.namedKids(node)) this.visit(kid.node, kid.type, writesInto, type, null);
        return;
      }
      case "heredoc_redirect": {
        const kids = this.namedKids(node);
        this.problem ??= this.uncheckedBackticks(kids);
        for (const kid of kids) this.visit(kid.node, kid.type, piped, type, sink);
        return;
      }
      case "file_redirect": {
        const kids = this.namedKids(node);
        let target = sink;
        if (target === null) {
          target = [];
          this.steps.push({ kind: "redirects", redirects: target, text: this.text(node) });
        }
        const writes = redirectWrites(this.source, node.startIndex);
        for (const kid of kids) {
          if (kid.type === "file_descriptor" || kid.type === "comment") continue;
          target.push({ target: this.word(kid.node, kid.type), writes });
        }
        for (const kid of kids) this.visit(kid.node, kid.type, false, type, null);
        return;
      }
      default:
        for (const kid of this.namedKids(node)) this.visit(kid.node, kid.type, piped, type, null);
    }
  }

  private redirectedStatement(node: Node, piped: boolean): void {
    const kids = this.namedKids(node);
    const stdin = this.stdinScripts(kids);
    // The body, when there is one, comes first; a statement of redirections alone has none.
    let bodyKid: Kid | undefined = kids[0];
    if (bodyKid?.type === "comment") {
      const body = node.childForFieldId(this.grammar.bodyField);
      bodyKid = body === null ? undefined : kids.find((k) => k.node.id === body.id);
    } else if (bodyKid !== undefined && NOT_BODY.has(bodyKid.type)) {
      bodyKid = undefined;
    }
    let sink: Redirect[];
    if (bodyKid?.type === "command") {
      sink = this.command(bodyKid.node, piped, stdin);
    } else {
      sink = [];
      const step: RedirectStep = { kind: "redirects", redirects: sink, text: this.text(node) };
      if (bodyKid === undefined) this.steps.push(step);
      else this.redirectedBody(bodyKid, piped, step);
    }
    for (const kid of kids) {
      if (kid !== bodyKid) this.visit(kid.node, kid.type, false, "redirected_statement", sink);
    }
  }

  /**
   * The body of a redirected statement that is not a simple command. Its redirections are opened
   * before it runs; the grammar also gives a whole list or pipeline the redirections
   * (`cd ~ && cat < .ssh/id_rsa`) that bash gives its last command, so there they come just
   * before the last element (walked in the same order, with the same pipes, as visit does).
   */
  private redirectedBody(body: Kid, piped: boolean, step: RedirectStep): void {
    if (body.type !== "list" && body.type !== "pipeline") {
      this.steps.push(step);
      this.visit(body.node, body.type, piped, "redirected_statement", null);
      return;
    }
    const kids = this.namedKids(body.node);
    for (let i = 0; i < kids.length; i++) {
      const kid = kids[i] as Kid;
      const kidPiped = piped || (body.type === "pipeline" && i > 0);
      if (i < kids.length - 1) this.visit(kid.node, kid.type, kidPiped, body.type, null);
      else this.redirectedBody(kid, kidPiped, step);
    }
    if (kids.length === 0) this.steps.push(step);
  }

  /** Records a simple command, then walks the substitutions in its words; returns its redirect list. */
  private command(node: Node, piped: boolean, stdin: StdinText[]): Redirect[] {
    const text = this.text(node);
    const plainArgs: Word[] = [];
    const plainName = stdin.length === 0 && this.shortcuts ? plainWords(text, plainArgs) : null;
    if (plainName !== null) {
      // The parser made this a command, and its words are plain tokens and quotes (see plainWords).
      const redirects: Redirect[] = [];
      this.steps.push({
        kind: "command",
        name: plainName,
        args: plainArgs,
        text,
        piped,
        stdin: [],
        redirects,
      });
      return redirects;
    }
    // Only a word holding `$(`, `` ` ``, `<(` or `>(` can run a command of its own.
    const mayRun = !this.shortcuts || MAY_RUN.test(text);
    const args: Word[] = [];
    const nested: Kid[] = [];
    const argumentIds = new Set<number>();
    let afterOperator = false;
    for (const arg of node.childrenForFieldId(this.grammar.argumentField)) {
      argumentIds.add(arg.id);
      const argText = this.text(arg);
      // After `==` or `=~` the grammar may read a regex, which is not a literal: ask the tree.
      const plainArg = afterOperator || !this.shortcuts ? null : wholeWord(argText);
      afterOperator = argText === "==" || argText === "=~";
      if (plainArg !== null) {
        args.push(plainArg);
        continue;
      }
      const typeId = arg.typeId;
      const type = this.grammar.types[typeId] ?? "ERROR";
      const word = this.word(arg, type, argText);
      args.push(word);
      // A literal word holds no substitution; anything else is walked for the commands it runs.
      if (mayRun && word.value === null && this.grammar.named[typeId] === true)
        nested.push({ node: arg, type });
    }
    let name: Word | null = null;
    const redirects: Redirect[] = [];
    const scripts = [...stdin];
    for (const child of node.namedChildren) {
      if (argumentIds.has(child.id)) continue;
      const type = this.typeOf(child);
      if (type === "command_name" && name === null) {
        const nameText = this.text(child);
        name = this.shortcuts ? wholeWord(nameText) : null;
        if (name === null) {
          const inner = child.namedChildren[0];
          if (inner === undefined) {
            name = { value: unescapeWord(nameText), text: nameText };
          } else {
            const innerType = this.typeOf(inner);
            name = this.word(inner, innerType, nameText);
            if (mayRun && name.value === null) nested.push({ node: inner, type: innerType });
          }
        }
        continue;
      }
      if (type === "variable_assignment") {
        // `X=… cmd`: set for the command (CDPATH=… cd x), and its value may hold a substitution.
        this.assignment(child);
        continue;
      }
      if (type === "heredoc_redirect") {
        scripts.push(this.heredocBody(this.namedKids(child)));
      } else if (type === "herestring_redirect") {
        scripts.push(this.herestring(child));
      } else if (!mayRun && type !== "file_redirect" && type !== "subshell") {
        continue; // an assignment or a comment, with nothing to run
      }
      nested.push({ node: child, type });
    }
    if (name !== null) {
      this.steps.push({ kind: "command", name, args, text, piped, stdin: scripts, redirects });
    }
    // Substitutions inside the words and assignments run too, in the order they are written.
    nested.sort((a, b) => a.node.startIndex - b.node.startIndex);
    for (const kid of nested) this.visit(kid.node, kid.type, false, "command", redirects);
    return redirects;
  }

  /** Records `NAME=value` as a step, then walks the value for the commands it runs. */
  private assignment(node: Node): void {
    const kids = this.namedKids(node);
    const name = kids.find((k) => k.type === "variable_name");
    const value = kids.find((k) => k !== name && k.type !== "subscript");
    this.steps.push({
      kind: "assign",
      name: name === undefined ? "" : this.text(name.node),
      value: value === undefined ? "" : this.word(value.node, value.type).value,
      valueText: value === undefined ? "" : this.text(value.node),
      text: this.text(node),
    });
    if (value !== undefined) this.visit(value.node, value.type, false, "variable_assignment", null);
  }

  private stdinScripts(kids: Kid[]): StdinText[] {
    const scripts: StdinText[] = [];
    for (const kid of kids) {
      if (kid.type === "heredoc_redirect") scripts.push(this.heredocBody(this.namedKids(kid.node)));
      else if (kid.type === "herestring_redirect") scripts.push(this.herestring(kid.node));
    }
    return scripts;
  }

  private heredocBody(kids: Kid[]): StdinText {
    const body = kids.find((k) => k.type === "heredoc_body");
    if (body === undefined) return { text: "", expands: false };
    const start = kids.find((k) => k.type === "heredoc_start");
    const quoted = start !== undefined && /['"\\]/.test(this.text(start.node));
    const text = this.text(body.node);
    return { text, expands: !quoted && /[$`]/.test(text) };
  }

  private herestring(node: Node): StdinText {
    const word = node.namedChildren[0];
    return { text: word === undefined ? "" : this.word(word, this.typeOf(word)).value, expands: false };
  }

  /**
   * The grammar parses $(…) inside an unquoted here-document but not `…`, which bash still runs;
   * such here-documents are refused rather than half-judged.
   */
  private uncheckedBackticks(kids: Kid[]): string | null {
    const start = kids.find((k) => k.type === "heredoc_start");
    const body = kids.find((k) => k.type === "heredoc_body");
    const startText = start === undefined ? "" : this.text(start.node);
    if (body === undefined || /['"\\]/.test(startText)) return null;
    return this.text(body.node).includes("`") ? UNCHECKED_BACKTICKS : null;
  }

  word(node: Node, type: string, known?: string): Word {
    const text = known ?? this.text(node);
    const value = this.literal(node, type, text, false);
    if (value !== null || !hasBraceExpansion(text)) return { value, text };
    const braced = this.literal(node, type, text, true);
    return braced === null ? { value, text } : { value, text, braced };
  }

  /** The literal value of a word node, or null when any part of it expands at run time. */
  private literal(node: Node, type: string, text: string, keepBraces: boolean): string | null {
    switch (type) {
      case "word":
        return !keepBraces && hasBraceExpansion(text) ? null : unescapeWord(text);
      case "command_name": {
        const inner = node.namedChildren[0];
        return inner === undefined
          ? unescapeWord(text)
          : this.literal(inner, this.typeOf(inner), this.text(inner), keepBraces);
      }
      case "number":
        return text;
      case "raw_string":
        return text.slice(1, -1);
      case "string":
      case "translated_string": {
        for (const child of node.namedChildren) if (this.typeOf(child) !== "string_content") return null;
        const inner = type === "string" ? text.slice(1, -1) : text.slice(2, -1);
        return inner.replace(/\\([$`"\\\n])/g, (_, c: string) => (c === "\n" ? "" : c));
      }
      case "ansi_c_string":
        return decodeAnsiC(text.slice(2, -1));
      case "concatenation": {
        if (!keepBraces && hasBraceExpansion(text)) return null;
        let value = "";
        for (const child of node.children) {
          const part = this.literal(child, this.typeOf(child), this.text(child), keepBraces);
          if (part === null) return null;
          value += part;
        }
        return value;
      }
      default:
        return null;
    }
  }
}
