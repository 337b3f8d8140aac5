// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are shell commands, not templates
import { beforeAll, describe, expect, it } from "vitest";
import type { Parser } from "web-tree-sitter";
import { loadBashParser } from "../../src/security/bash-parser.ts";
import { flattenScript } from "../../src/security/parse.ts";
import { prng } from "../helpers/prng.ts";

/** Words the shortcuts read from text, and their near misses (which must go to the tree). */
const WORDS = [
  "ls",
  "cat",
  "rm",
  "cd",
  "echo",
  "-la",
  "--reporter=dot",
  "src/a.ts",
  "../x",
  "~",
  "~/.ssh",
  "*.ts",
  "a?",
  "%1",
  "12",
  "-1",
  "=",
  "==",
  "=~",
  "a=b",
  "'a b'",
  "'{a,b}'",
  "x'{a,b}'",
  '"{a,b}"y',
  "'a'\"b\"c",
  '""',
  "''",
  '"q"',
  '"$x"',
  '"${x:-y}"',
  '"a $x b"',
  '"${x:-~/a b}"',
  '"$"',
  '"a$"',
  '"${x"',
  '"$1"',
  '"$(id)"',
  '"`id`"',
  '"a\\"b"',
  "$x",
  "${x}",
  "$HOME/.aws",
  "a$x",
  "{a,b}",
  "a{1..3}",
  "$(id)",
  "`id`",
  "<(ls)",
  "'it'\\''s'",
  "a\\ b",
  "$'\\x41'",
  "done",
  "fi",
  "!",
];
const SEPARATORS = [
  " ",
  " ",
  " ",
  "\t",
  " && ",
  " || ",
  "; ",
  " | ",
  "\n",
  " & ",
  " 2>&1 ",
  " > out ",
  " < in ",
];
const WRAPS: ((s: string) => string)[] = [
  (s) => s,
  (s) => s,
  (s) => `(${s})`,
  (s) => `{ ${s}; } > log`,
  (s) => `if ${s}; then ${s}; fi`,
  (s) => `for i in a b; do ${s}; done < list`,
  (s) => `echo "$(${s})"`,
  (s) => `cat <<EOF\n$(${s})\nEOF\n${s}`,
  (s) => `bash -c '${s.replace(/'/g, "")}'`,
  (s) => `cd ~ && ${s} < x`,
  (s) => `A=1 ${s}`,
];

let parser: Parser;
beforeAll(async () => {
  parser = await loadBashParser();
});

describe("the walk's shortcuts", () => {
  it("find the same commands, words, pipes, here-documents and redirections as reading every word from the tree", () => {
    const random = prng(20_261_125);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    let parsed = 0;
    for (let i = 0; i < 3_000; i++) {
      let line = pick(WORDS);
      const length = Math.floor(random() * 6);
      for (let j = 0; j < length; j++) line += pick(SEPARATORS) + pick(WORDS);
      const command = pick(WRAPS)(line);
      const piped = random() < 0.3;
      const fast = flattenScript(parser, command, piped);
      const full = flattenScript(parser, command, piped, false);
      expect(fast, JSON.stringify(command)).toEqual(full);
      if (full.ok) parsed++;
    }
    // most of them are valid bash, so the comparison is about real trees
    expect(parsed).toBeGreaterThan(1_000);
  });
});
