/**
 * Where Claude Code's own file tools may reach. They run outside the OS sandbox, so a pre-tool
 * hook asks this module first: writes (Write, Edit, MultiEdit, NotebookEdit) stay inside the
 * project and out of its `.git/`; reads (Read, Glob, Grep, and any other tool that names a path)
 * stay out of the secret paths (`secretPaths()`). Paths are resolved like the kernel would,
 * following symlinks, and like Claude Code does: `~` and `~/…` are the home directory, relative
 * paths start at the project directory (the session's working directory).
 */
import os from "node:os";
import path from "node:path";
import { type Decision, deny, messageOf } from "./decision.ts";
import { isInside, physicalPath, realpathExisting } from "./paths.ts";

export interface FileAccessScope {
  /** The project directory: the session's working directory, and the only place it may write. */
  projectDir: string;
  /** Absolute paths (files or directories) the session may not read, from `secretPaths()`. */
  secrets: readonly string[];
  /** What `~` expands to; defaults to os.homedir(). */
  home?: string;
}

/** The tools that write a file, and the input field naming it. */
const WRITE_TOOLS: Readonly<Record<string, string>> = {
  Write: "file_path",
  Edit: "file_path",
  MultiEdit: "file_path",
  NotebookEdit: "notebook_path",
};

/** The tools that read one path, and the input field naming it. */
const READ_TOOLS: Readonly<Record<string, string>> = {
  Read: "file_path",
  NotebookRead: "notebook_path",
  LS: "path",
};

/** Fields that name a path in the input of a tool this module does not know. */
const PATH_FIELDS = ["file_path", "notebook_path", "path"] as const;

/** Glob characters: the pattern's literal directory ends before the first segment holding one. */
const GLOB_CHARS = /[*?[\]{}]/;

/** A process's environment (`/proc/<pid>/environ`): it holds API keys and tokens. */
const PROC_ENVIRON = /^\/proc\/[^/]+(?:\/task\/[^/]+)?\/environ$/;

interface Resolved {
  /** As the model wrote it. */
  given: string;
  /** Absolute, `~` expanded, `..` folded; symlinks not followed. */
  lexical: string;
  /** With symlinks followed (through the longest existing prefix). */
  real: string;
}

/** One decision's view of the scope: the project and the secrets in both spellings. */
class Resolver {
  readonly project: string;
  readonly projectReal: string;
  private readonly home: string;
  private readonly secrets: string[];
  private readonly cache = new Map<string, string>();

  constructor(scope: FileAccessScope) {
    this.project = path.resolve(scope.projectDir);
    this.projectReal = realpathExisting(this.project, this.cache);
    this.home = path.resolve(scope.home ?? os.homedir());
    const secrets = scope.secrets.map((s) => path.resolve(s));
    this.secrets = [...new Set([...secrets, ...secrets.map((s) => realpathExisting(s, this.cache))])];
  }

  /**
   * Resolves `given` against `base` (the project unless said otherwise) as the kernel would for
   * Claude Code, whose working directory is the project: symlinks where they stand, `..` from the
   * real parent, `/proc/self/cwd` the project. A path through another process's /proc entry is
   * refused (it cannot be followed).
   */
  resolve(given: string, base = this.project): Resolved {
    let expanded = given;
    if (given === "~" || given.startsWith("~/")) expanded = this.home + given.slice(1);
    const absolute = path.isAbsolute(expanded) ? expanded : `${base}/${expanded}`;
    const lexical = path.resolve(absolute);
    const real = physicalPath(absolute, this.project, this.cache);
    if (real === null) throw new Error(`${given} goes through another process's /proc entry`);
    return { given, lexical, real };
  }

  insideProject(p: string): boolean {
    return isInside(p, this.project) || isInside(p, this.projectReal);
  }

  /** The secret `r` lies in, unless it is the project's own file; null if none. */
  secretHolding(r: Resolved): string | null {
    // The real path decides whether a file is the project's own: a symlink inside the project
    // that leads into ~/.ssh still reads ~/.ssh. The lexical path counts too (outside the
    // project), so that a secret directory's entries stay off limits even when they are links.
    if (this.insideProject(r.real)) return null;
    const paths = this.insideProject(r.lexical) ? [r.real] : [r.real, r.lexical];
    for (const p of paths) {
      const secret = this.secrets.find((s) => isInside(p, s));
      if (secret !== undefined) return secret;
    }
    return null;
  }

  /** A secret (not the project's own) inside the directory `r`; null if none or `r` is in the project. */
  secretWithin(r: Resolved): string | null {
    if (this.insideProject(r.real)) return null;
    const within = (s: string) => !this.insideProject(s) && (isInside(s, r.real) || isInside(s, r.lexical));
    return this.secrets.find(within) ?? null;
  }
}

/** `given`, and where it really leads when that differs. */
function shown(r: Resolved): string {
  return r.real === r.given ? r.given : `${r.given} (resolves to ${r.real})`;
}

function stringField(input: unknown, field: string): string | undefined {
  if (typeof input !== "object" || input === null) return undefined;
  const value = (input as Record<string, unknown>)[field];
  return typeof value === "string" ? value : undefined;
}

function fieldValue(input: unknown, field: string): unknown {
  return typeof input === "object" && input !== null ? (input as Record<string, unknown>)[field] : undefined;
}

function missing(tool: string, field: string, input: unknown): Decision {
  const value = fieldValue(input, field);
  const got = value === undefined ? "it is missing" : `got ${value === null ? "null" : typeof value}`;
  return deny(`${tool} needs a string \`${field}\` (${got}); pass the file's absolute path as \`${field}\``);
}

function decideWrite(tool: string, field: string, input: unknown, resolver: Resolver): Decision {
  const given = stringField(input, field);
  if (given === undefined || given === "") return missing(tool, field, input);
  return judgeWrite(tool, given, resolver);
}

/** Whether `given` may be written: inside the project, not inside a `.git`. */
function judgeWrite(tool: string, given: string, resolver: Resolver): Decision {
  const target = resolver.resolve(given);
  if (!isInside(target.real, resolver.projectReal)) {
    const where =
      target.real === given ? `${given} resolves outside` : `${given} resolves to ${target.real}, outside`;
    return deny(
      `${tool} outside the project: ${where} ${resolver.projectReal}; write files inside the project directory`,
    );
  }
  // Any `.git` directory, also a nested one, in any case (`.GIT` is `.git` on macOS), and by
  // either spelling (a `.git` that is a symlink to another directory of the project).
  const segments = [
    ...path.relative(resolver.projectReal, target.real).split(path.sep),
    ...(isInside(target.lexical, resolver.project)
      ? path.relative(resolver.project, target.lexical).split(path.sep)
      : []),
  ];
  if (segments.some((s) => s.toLowerCase() === ".git")) {
    return deny(
      `${tool} inside .git: ${shown(target)} is git metadata, whose hooks and config run commands outside the sandbox; change the repository with git commands instead`,
    );
  }
  return { allowed: true, reason: `${tool} inside the project: ${target.real}` };
}

/**
 * Files a tool hands to a web page (`paths`: the browser's uploads and drops) must be the
 * project's own: a page may send them anywhere. Files it saves (`filename`: the browser's
 * screenshots, snapshots and other output) are written like Write's. Null when the input names
 * neither.
 */
function decideHandedFiles(tool: string, input: unknown, resolver: Resolver): Decision | null {
  const paths = fieldValue(input, "paths");
  const filename = fieldValue(input, "filename");
  if (paths === undefined && filename === undefined) return null;
  if (paths !== undefined) {
    if (!Array.isArray(paths) || paths.some((p) => typeof p !== "string" || p === ""))
      return deny(`${tool} needs \`paths\` as a list of file paths; pass the files' absolute paths`);
    for (const given of paths as string[]) {
      const target = resolver.resolve(given);
      if (!isInside(target.real, resolver.projectReal)) {
        return deny(
          `${tool} of a file outside the project: ${shown(target)}; a page may send what it gets anywhere, so only the project's own files are handed to it`,
        );
      }
    }
  }
  if (filename !== undefined) {
    if (typeof filename !== "string" || filename === "") return missing(tool, "filename", input);
    const write = judgeWrite(tool, filename, resolver);
    if (!write.allowed) return write;
  }
  return { allowed: true, reason: `${tool} with the project's files` };
}

/** Denies reading `r` when it is a secret or a process environment; null when it may be read. */
function readRefusal(tool: string, r: Resolved, resolver: Resolver, what = "read"): Decision | null {
  if (PROC_ENVIRON.test(r.real) || PROC_ENVIRON.test(r.lexical)) {
    return deny(
      `${tool} of a process environment: ${shown(r)} holds environment variables such as API keys; read the project's own configuration files instead`,
    );
  }
  const secret = resolver.secretHolding(r);
  if (secret === null) return null;
  return deny(
    `${tool} of a secret path: ${shown(r)} lies inside ${secret}, which holds credentials or Baton's data; ${what} files inside the project instead`,
  );
}

function decideRead(tool: string, field: string, input: unknown, resolver: Resolver): Decision {
  const given = stringField(input, field);
  if (given === undefined || given === "") return missing(tool, field, input);
  const target = resolver.resolve(given);
  return readRefusal(tool, target, resolver) ?? { allowed: true, reason: `${tool} of ${target.real}` };
}

/** The search root of Glob/Grep: `path`, or the project when it is left out. */
function searchRoot(tool: string, input: unknown, resolver: Resolver): Resolved | Decision {
  const value = fieldValue(input, "path");
  if (value === undefined || value === null) return resolver.resolve(resolver.project);
  if (typeof value !== "string") return missing(tool, "path", input);
  return resolver.resolve(value === "" ? resolver.project : value);
}

/** The directory a glob pattern starts from: its segments before the first one holding a glob character. */
function literalPrefix(pattern: string): string {
  const segments = pattern.split("/");
  const firstGlob = segments.findIndex((s) => GLOB_CHARS.test(s));
  const literal = firstGlob === -1 ? segments : segments.slice(0, firstGlob);
  const joined = literal.join("/");
  return joined === "" ? (pattern.startsWith("/") ? "/" : ".") : joined;
}

/*
 * Glob and Grep may search a directory that holds secrets (`/`, the home directory): refusing
 * that would refuse too much. Glob then may list the names of secret files (never their
 * contents). Grep is different: Claude Code runs ripgrep with `--hidden`, so a search of the home
 * directory would print lines of ~/.ssh or ~/.aws files; a Grep whose root outside the project
 * holds a secret is therefore refused.
 */
function decideSearch(tool: "Glob" | "Grep", input: unknown, resolver: Resolver): Decision {
  const root = searchRoot(tool, input, resolver);
  if ("allowed" in root) return root;
  const rootRefusal = readRefusal(tool, root, resolver, "search");
  if (rootRefusal !== null) return rootRefusal;
  if (tool === "Grep") {
    const secret = resolver.secretWithin(root);
    if (secret !== null) {
      return deny(
        `Grep over a directory holding secrets: ${shown(root)} contains ${secret}, and Grep searches hidden files; search the project or a narrower directory`,
      );
    }
    return { allowed: true, reason: `Grep in ${root.real}` };
  }
  const pattern = stringField(input, "pattern");
  if (pattern === undefined) return missing(tool, "pattern", input);
  // A pattern may leave its root (`/home/me/.ssh/*`, `~/.aws/*`, `../../.ssh/*`).
  const start = { ...resolver.resolve(literalPrefix(pattern), root.real), given: pattern };
  return readRefusal(tool, start, resolver, "search") ?? { allowed: true, reason: `Glob in ${start.real}` };
}

/** Whether a tool call may touch the paths it names; never throws (a failure is a denial). */
export function decideFileAccess(tool: string, input: unknown, scope: FileAccessScope): Decision {
  const decision = decide(tool, input, scope);
  // One line, whatever the path holds.
  return { ...decision, reason: decision.reason.replace(/\r?\n|\r/g, "\\n") };
}

function decide(tool: string, input: unknown, scope: FileAccessScope): Decision {
  try {
    const resolver = new Resolver(scope);
    const writeField = WRITE_TOOLS[tool];
    if (writeField !== undefined) return decideWrite(tool, writeField, input, resolver);
    const readField = READ_TOOLS[tool];
    if (readField !== undefined) return decideRead(tool, readField, input, resolver);
    if (tool === "Glob" || tool === "Grep") return decideSearch(tool, input, resolver);
    const handed = decideHandedFiles(tool, input, resolver);
    if (handed !== null) return handed;
    const field = PATH_FIELDS.find((f) => stringField(input, f) !== undefined);
    if (field !== undefined && stringField(input, field) !== "") {
      return decideRead(tool, field, input, resolver);
    }
    return { allowed: true, reason: "not a file tool" };
  } catch (error) {
    return deny(
      `${tool} could not be checked (${messageOf(error)}); use a plain absolute path inside the project`,
    );
  }
}
