/**
 * The secret rule of the command policy: a command may not name a secret (secret-paths.ts) —
 * through a literal path, `--opt=PATH`, `@PATH`, a brace expansion or glob that can reach one, a
 * redirection, a tilde (`~`, `~+`, `~name`), a variable the policy knows (`$HOME`,
 * `${HOME:-/x}`, one the command line set), a path through `/proc/self/cwd` or `/proc/*​/root`, or
 * a process's environment (`/proc/*​/environ`). Where a word holds something the policy cannot
 * know (`$X/.ssh/id_rsa`, `$(pwd)/../.aws/credentials`), what follows it must not name a
 * credential either. Paths are resolved by ProjectPaths, from where the `cd`s before left.
 */
import path from "node:path";
import type { Accounts } from "./accounts.ts";
import { type Decision, deny } from "./decision.ts";
import { type ExpandContext, expandWord, UNKNOWN } from "./expand.ts";
import {
  expandBraces,
  GLOB_SEGMENT,
  isInsideResolved,
  lexicalArg,
  normalized,
  type ResolvedPath,
  realpathExisting,
  segmentMatches,
} from "./paths.ts";
import type { ProjectPaths } from "./project-paths.ts";
import { HOME_SECRETS } from "./secret-paths.ts";
import type { Redirect, Word } from "./steps.ts";

/** What a secret-read denial says about the secrets (see secret-paths.ts). */
const SECRET_KINDS = "credentials of your tools, Baton's data, .env files outside the project";

/** Options that make a program work from another directory: its relative paths start there too. */
const CHDIR_OPTIONS = new Set(["-C", "--chdir", "--directory", "--cwd", "--prefix"]);

/** A process's environment holds API keys and tokens, whoever's it is. */
const PROC_ENVIRON = /^\/proc\/[^/]+(?:\/task\/[^/]+)?\/environ$/;

/** Credential locations as path segments (`.ssh`, `.docker/config.json`), for tails after an unknown part. */
const CREDENTIAL_TAILS = [...HOME_SECRETS, ".baton"].map((p) => p.split("/"));

/** The spellings of each list of secrets, by the list itself. */
const spellingsOf = new WeakMap<readonly string[], string[]>();
const spellingSets = new WeakMap<readonly string[], ReadonlySet<string>>();

export class SecretReads {
  /** The secrets in both spellings: as given and through symlinks (looked up on first use). */
  private spellingsValue: string[] | null = null;

  constructor(
    private readonly paths: ProjectPaths,
    private readonly secrets: readonly string[],
    private readonly accounts: Accounts,
  ) {}

  /**
   * Denies a simple command that names a secret: any word of it that looks like a path (holds a
   * `/`, or starts with `~` or `.`), the value of `--opt=PATH` and `@PATH`, brace expansions and
   * globs that can reach a secret, words with expansions (see the top), and its redirections.
   * Relative paths start from the working directory the `cd`s before it left, and also from the
   * directory a `-C DIR` option names.
   */
  reads(name: Word, args: readonly Word[], redirects: readonly Redirect[], text: string): Decision | null {
    let base: ResolvedPath | null = null;
    for (let i = -1; i < args.length; i++) {
      const word = i < 0 ? name : (args[i] as Word);
      const problem = this.word(word, "reads", text, base);
      if (problem !== null) return problem;
      const v = word.value;
      if (v === null || v.charCodeAt(0) !== 45 /* - */) continue;
      const eq = v.indexOf("=");
      const option = eq > 0 ? v.slice(0, eq) : v;
      if (!CHDIR_OPTIONS.has(option)) continue;
      const dir = eq > 0 ? v.slice(eq + 1) : args[i + 1]?.value;
      if (dir !== undefined && dir !== null) base = this.paths.resolve(dir);
    }
    return this.redirects(redirects, text);
  }

  /** Denies redirections (`< ~/.ssh/id_rsa`, `> ~/.aws/config`) into a secret. */
  redirects(redirects: readonly Redirect[], text: string): Decision | null {
    for (const r of redirects) {
      const problem = this.word(r.target, r.writes ? "writes" : "reads", text, null);
      if (problem !== null) return problem;
    }
    return null;
  }

  /** A `cd` into a secret: whatever runs next would read its files by bare names (`cd ~/.aws && cat credentials`). */
  entering(resolved: ResolvedPath, given: string, text: string): Decision | null {
    return this.holding(resolved) === null ? null : secretDenial("reads", given, resolved, text);
  }

  /** The secret `r` lies in, unless it is the project's own file (as file-access.ts decides); null if none. */
  holding(r: ResolvedPath): string | null {
    // The real path decides whether a file is the project's own: a symlink inside the project
    // that leads into ~/.ssh still reads ~/.ssh. The lexical path counts too, outside the project.
    if (this.paths.insideProjectPath(r.real)) return null;
    if (PROC_ENVIRON.test(r.lexical) || PROC_ENVIRON.test(r.real)) return "a process's environment";
    const spellings = this.spellingSet();
    const secret = insideOneOf(r.real, spellings);
    if (secret !== null || this.paths.insideProjectPath(r.lexical)) return secret;
    return insideOneOf(r.lexical, spellings);
  }

  private word(
    word: Word,
    verb: "reads" | "writes",
    text: string,
    base: ResolvedPath | null,
  ): Decision | null {
    if (word.value !== null && !mayNamePath(word.value)) return null;
    const { paths, tails, proc } = this.candidates(word);
    if (proc) {
      return deny(
        `${verb} \`${shownWord(word.text)}\`: a /proc path the policy cannot follow (a process's environment holds keys); write the path out`,
        text,
      );
    }
    for (const tail of tails) {
      const credential = credentialIn(tail);
      if (credential !== null) {
        return deny(
          `${verb === "reads" ? "reads" : "writes to"} \`${shownWord(word.text)}\`, which can name a secret (${credential}) through a part the policy cannot know; write the path out, inside the project`,
          text,
        );
      }
    }
    for (const candidate of paths) {
      const relative = !candidate.startsWith("/") && !candidate.startsWith("~");
      if (relative && this.paths.cwdUnknown) {
        return deny(
          `${verb} \`${shownWord(candidate)}\` relative to a directory the policy could not follow (after \`cd\` to a variable, \`cd -\` or \`popd\`); use an absolute path, or stay in the project`,
          text,
        );
      }
      let problem: ResolvedPath | "unknown" | null = null;
      for (const cwd of relative ? this.paths.possibleCwds() : [this.paths.cwd]) {
        problem ??= this.candidate(candidate, cwd);
      }
      if (problem === null && relative && base !== null) problem = this.candidate(candidate, base.real);
      if (problem === "unknown") {
        return deny(
          `${verb} \`${shownWord(candidate)}\` through another process's /proc entry, which the policy cannot follow; use the path itself`,
          text,
        );
      }
      if (problem !== null) return secretDenial(verb, candidate, problem, text);
    }
    return null;
  }

  /**
   * The strings in `word` that may name a file — itself, `--opt=PATH`'s PATH, `@PATH`'s PATH,
   * brace expansions, the values of its tildes and variables — and the tails after any part of
   * it the policy cannot know.
   */
  private candidates(word: Word): { paths: string[]; tails: string[]; proc: boolean } {
    const v = word.value;
    if (v !== null && looksLikePath(v) && !v.includes("=") && !v.startsWith("@") && !specialTilde(v)) {
      return { paths: [v], tails: [], proc: false };
    }
    let values: string[];
    if (v !== null) values = specialTilde(v) ? (expandWord(v, this.expandContext()) ?? [v]) : [v];
    else if (word.braced !== undefined) values = expandBraces(word.braced);
    else values = expandWord(word.text, this.expandContext()) ?? [];
    const paths: string[] = [];
    const tails: string[] = [];
    let proc = false;
    for (const value of values) {
      const unknown = value.lastIndexOf(UNKNOWN);
      if (unknown >= 0) {
        tails.push(value.slice(unknown + 1));
        proc ||= /^\/proc\//.test(value);
        continue;
      }
      const eq = value.indexOf("=");
      for (const p of eq >= 0 ? [value, value.slice(eq + 1)] : [value]) {
        if (looksLikePath(p)) paths.push(p);
        if (p.startsWith("@") && looksLikePath(p.slice(1))) paths.push(p.slice(1));
      }
    }
    return { paths, tails, proc };
  }

  /** The value an assignment's word gives a variable, when the policy can know it; else null. */
  valueOf(text: string): string | null {
    const values = expandWord(text, this.expandContext());
    return values?.length === 1 && !(values[0] as string).includes(UNKNOWN) ? (values[0] as string) : null;
  }

  private expandContext(): ExpandContext {
    return {
      variables: this.paths.variables,
      homeOf: (name) => this.accounts.get(name),
      home: this.paths.home,
      cwd: this.paths.cwd,
    };
  }

  /**
   * Where `candidate` resolves when it lies in (or, as a glob, can reach into) a secret; "unknown"
   * when it goes through a /proc entry the policy cannot follow; else null.
   */
  private candidate(candidate: string, start: string): ResolvedPath | "unknown" | null {
    if (!GLOB_SEGMENT.test(candidate)) {
      const resolved = this.resolveToRead(candidate, start);
      if (resolved === "unknown") return resolved;
      return resolved !== null && this.holding(resolved) !== null ? resolved : null;
    }
    // `x*/..` folds away as path.resolve folds it; the glob starts at the first segment left holding one
    const segments = path.posix.normalize(candidate).split("/");
    const globAt = segments.findIndex((s) => GLOB_SEGMENT.test(s));
    if (globAt < 0) return this.candidate(segments.join("/"), start);
    const literalPart = segments.slice(0, globAt).join("/") || (candidate.startsWith("/") ? "/" : ".");
    const resolved = this.resolveToRead(literalPart, start);
    if (resolved === null || resolved === "unknown") return resolved;
    if (this.holding(resolved) !== null) return resolved;
    // A glob below a directory that holds a secret (`~/.s*/id_rsa`, `~/.aws/*`): can it name it?
    const pattern = segments.slice(globAt).filter((s) => s !== "" && s !== ".");
    for (const secret of this.spellings()) {
      if (this.paths.insideProjectPath(secret)) continue;
      for (const dir of [resolved.real, resolved.lexical]) {
        if (secret === dir || !isInsideResolved(secret, dir)) continue;
        const names = path.relative(dir, secret).split(path.sep);
        if (pattern.length >= names.length && names.every((n, i) => segmentMatches(pattern[i] ?? "", n))) {
          return { lexical: secret, real: secret };
        }
      }
    }
    return null;
  }

  /**
   * As ProjectPaths.resolve, for a path a command reads: one whose lookup fails (`EACCES` in a
   * directory this user cannot search) is judged by its spelling, since the session cannot read
   * it either.
   */
  private resolveToRead(arg: string, start: string): ResolvedPath | "unknown" | null {
    try {
      const resolved = this.paths.resolve(arg, start);
      return resolved?.unknown ? "unknown" : resolved;
    } catch {
      const lexical = lexicalArg(arg, { ...this.paths.scopeAt(start) });
      return lexical === null ? null : { lexical, real: lexical };
    }
  }

  /**
   * The secrets as given and through their symlinks. Looked up once per list of secrets (a
   * session's, made when it starts), not per decision: the secrets lie outside the project, where
   * the session cannot move them.
   */
  private spellingSet(): ReadonlySet<string> {
    let set = spellingSets.get(this.secrets);
    if (set === undefined) {
      set = new Set(this.spellings());
      spellingSets.set(this.secrets, set);
    }
    return set;
  }

  private spellings(): string[] {
    if (this.spellingsValue === null) {
      let known = spellingsOf.get(this.secrets);
      if (known === undefined) {
        const given = this.secrets.map(normalized);
        const cache = new Map<string, string>();
        known = [...new Set([...given, ...given.map((s) => realpathExisting(s, cache))])];
        spellingsOf.set(this.secrets, known);
      }
      this.spellingsValue = known;
    }
    return this.spellingsValue;
  }
}

/** The credential location a tail's segments name (`/.ssh/id_rsa` → `.ssh`), or null. */
function credentialIn(tail: string): string | null {
  const segments = tail.split("/").filter((s) => s !== "" && s !== ".");
  for (const credential of CREDENTIAL_TAILS) {
    for (let i = 0; i + credential.length <= segments.length; i++) {
      if (credential.every((part, j) => segments[i + j] === part)) return credential.join("/");
    }
  }
  return null;
}

/** A tilde only the expander follows: `~+`, `~-`, `~name` (plain `~` and `~/` resolve as paths). */
function specialTilde(v: string): boolean {
  return v.startsWith("~") && v !== "~" && !v.startsWith("~/");
}

/**
 * The one of `dirs` that holds `p` (all absolute and normalized, as resolved paths are), or
 * null: a look-up of each of p's ancestors, however many secrets there are.
 */
function insideOneOf(p: string, dirs: ReadonlySet<string>): string | null {
  for (let dir = p; ; ) {
    if (dirs.has(dir)) return dir;
    if (dir === "/") return null;
    dir = dir.slice(0, dir.lastIndexOf("/")) || "/";
  }
}

/** Whether a literal word could name a path in any of the ways candidates reads it (a cheap test first). */
function mayNamePath(v: string): boolean {
  const c = v[0];
  return c === "~" || c === "." || c === "@" || v.includes("/") || v.includes("=~") || v.includes("=.");
}

function looksLikePath(v: string): boolean {
  return v.includes("/") || v.startsWith("~") || v.startsWith(".");
}

function shownWord(v: string): string {
  return v.replace(/\n/g, "\\n");
}

function secretDenial(
  verb: "reads" | "writes",
  given: string,
  resolved: ResolvedPath,
  text: string,
): Decision {
  const shown = shownWord(given);
  const where = resolved.real === given ? "" : ` (${shownWord(resolved.real)})`;
  return deny(
    `${verb === "reads" ? "reads a secret" : "writes to a secret"}: \`${shown}\`${where} is off limits to sessions (${SECRET_KINDS}); use the project's own files`,
    text,
  );
}
