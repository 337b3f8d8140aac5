import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Decision } from "../../src/security/decision.ts";
import { decideFileAccess, type FileAccessScope } from "../../src/security/file-access.ts";
import { secretPaths } from "../../src/security/secret-paths.ts";

/**
 * A temp directory holding a fake home (with ~/.ssh and ~/.aws), Baton's home inside it, the
 * project inside Baton's home (as `baton run` lays it out), and a directory outside everything.
 * The project has links out (`escape` → outside, `escape-file` → a file outside, `keys` → ~/.ssh)
 * and one that stays in (`src-link` → src).
 */
let root = "";
let home = "";
let batonHome = "";
let project = "";
let outside = "";
let scope: FileAccessScope;

beforeAll(() => {
  root = realpathSync(mkdtempSync(path.join(os.tmpdir(), "baton-file-access-")));
  home = path.join(root, "home");
  batonHome = path.join(home, ".baton");
  project = path.join(batonHome, "projects", "app");
  outside = path.join(root, "outside");
  for (const dir of [`${home}/.ssh`, `${home}/.aws`, `${project}/src`, `${project}/.git/hooks`, outside]) {
    mkdirSync(dir, { recursive: true });
  }
  for (const file of [
    `${home}/.ssh/id_ed25519`,
    `${home}/.aws/credentials`,
    `${batonHome}/config.yaml`,
    `${project}/src/index.ts`,
    `${project}/.git/config`,
    `${project}/.gitignore`,
    `${outside}/precious.txt`,
  ]) {
    writeFileSync(file, "x");
  }
  symlinkSync(outside, path.join(project, "escape"));
  symlinkSync(path.join(outside, "precious.txt"), path.join(project, "escape-file"));
  symlinkSync(path.join(home, ".ssh"), path.join(project, "keys"));
  symlinkSync(path.join(project, "src"), path.join(project, "src-link"));
  scope = { projectDir: project, secrets: secretPaths({ projectDir: project, home, batonHome }), home };
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function decide(tool: string, input: unknown): Decision {
  return decideFileAccess(tool, input, scope);
}

/** Denied, with a one-line reason that names each of `fragments` (the path, at least). */
function expectDenied(decision: Decision, ...fragments: string[]): void {
  expect(decision.allowed).toBe(false);
  expect(decision.reason).not.toContain("\n");
  for (const fragment of fragments) expect(decision.reason).toContain(fragment);
}

describe("writes by Write, Edit, MultiEdit and NotebookEdit", () => {
  it("allows relative and absolute targets inside the project", () => {
    for (const file_path of ["src/new.ts", "./src/index.ts", `${project}/src/index.ts`, "README.md"]) {
      expect(decide("Write", { file_path, content: "x" }).allowed, file_path).toBe(true);
      expect(decide("Edit", { file_path, old_string: "a", new_string: "b" }).allowed, file_path).toBe(true);
      expect(decide("MultiEdit", { file_path, edits: [] }).allowed, file_path).toBe(true);
    }
    expect(decide("NotebookEdit", { notebook_path: "analysis.ipynb", new_source: "" }).allowed).toBe(true);
  });

  it("allows a deep path that does not exist yet, also through a link that stays inside", () => {
    expect(decide("Write", { file_path: "a/b/c/d/e.ts", content: "" }).allowed).toBe(true);
    expect(decide("Write", { file_path: `${project}/src-link/new/deep.ts`, content: "" }).allowed).toBe(true);
  });

  it("refuses a system file", () => {
    expectDenied(decide("Write", { file_path: "/etc/passwd", content: "" }), "/etc/passwd", project);
    expectDenied(decide("Edit", { file_path: "/etc/hosts", old_string: "a", new_string: "b" }), "/etc/hosts");
  });

  it("refuses a .. escape and a ~ path outside the project", () => {
    expectDenied(decide("Write", { file_path: "../x", content: "" }), "../x", path.dirname(project));
    expectDenied(decide("Write", { file_path: "src/../../../evil.sh", content: "" }), "src/../../../evil.sh");
    expectDenied(decide("Write", { file_path: "~/.bashrc", content: "" }), "~/.bashrc", `${home}/.bashrc`);
  });

  it("follows a symlinked directory inside the project that leads out", () => {
    const decision = decide("Write", { file_path: "escape/precious.txt", content: "" });
    expectDenied(decision, "escape/precious.txt", `${outside}/precious.txt`);
    expectDenied(decide("Edit", { file_path: `${project}/escape/new/deep.txt` }), `${outside}/new/deep.txt`);
  });

  it("follows a symlink to a file outside the project", () => {
    expectDenied(
      decide("Edit", { file_path: "escape-file", old_string: "x", new_string: "y" }),
      "escape-file",
      `${outside}/precious.txt`,
    );
    expectDenied(decide("NotebookEdit", { notebook_path: "escape-file" }), "escape-file");
  });

  it("refuses writes inside .git but not .gitignore or .github", () => {
    for (const file_path of [
      ".git/config",
      ".git/hooks/pre-commit",
      `${project}/.git/HEAD`,
      "sub/.git/config",
    ]) {
      expectDenied(decide("Write", { file_path, content: "" }), file_path, ".git");
    }
    expectDenied(
      decide("Edit", { file_path: ".GIT/config", old_string: "a", new_string: "b" }),
      ".GIT/config",
    );
    expect(decide("Write", { file_path: ".gitignore", content: "node_modules\n" }).allowed).toBe(true);
    expect(decide("Write", { file_path: ".github/workflows/ci.yml", content: "" }).allowed).toBe(true);
  });

  it("judges the real project when it is reached through a symlink", () => {
    const alias = path.join(root, "app-alias");
    symlinkSync(project, alias);
    const aliased = { ...scope, projectDir: alias };
    expect(decideFileAccess("Write", { file_path: "src/x.ts" }, aliased).allowed).toBe(true);
    expect(decideFileAccess("Write", { file_path: `${project}/src/x.ts` }, aliased).allowed).toBe(true);
    expect(decideFileAccess("Write", { file_path: `${alias}/src/x.ts` }, aliased).allowed).toBe(true);
    expectDenied(decideFileAccess("Write", { file_path: "escape/x" }, aliased), `${outside}/x`);
    expectDenied(decideFileAccess("Write", { file_path: `${alias}/.git/config` }, aliased), ".git/config");
  });
});

describe("reads by Read, Glob and Grep", () => {
  it("refuses files in secret directories, by absolute path, ~ and a link inside the project", () => {
    for (const file_path of [`${home}/.ssh/id_ed25519`, `${home}/.aws/credentials`, "~/.ssh/id_ed25519"]) {
      expectDenied(decide("Read", { file_path }), file_path, "secret");
    }
    expectDenied(decide("Read", { file_path: "keys/id_ed25519" }), "keys/id_ed25519", `${home}/.ssh`);
    expectDenied(decide("Read", { file_path: `${batonHome}/config.yaml` }), `${batonHome}/config.yaml`);
  });

  it("allows the project's own files although the project lies inside Baton's home", () => {
    expect(scope.secrets).toContain(batonHome);
    expect(decide("Read", { file_path: "src/index.ts" }).allowed).toBe(true);
    expect(decide("Read", { file_path: `${project}/.git/config` }).allowed).toBe(true);
    expect(decide("Grep", { pattern: "TODO" }).allowed).toBe(true);
    expect(decide("Glob", { pattern: "**/*.ts", path: project }).allowed).toBe(true);
  });

  it("allows files outside the project that are not secrets", () => {
    expect(decide("Read", { file_path: "/etc/hostname" }).allowed).toBe(true);
    expect(decide("Read", { file_path: "escape/precious.txt" }).allowed).toBe(true);
    expect(decide("Glob", { pattern: "*.txt", path: outside }).allowed).toBe(true);
    expect(decide("Grep", { pattern: "x", path: "/usr/share" }).allowed).toBe(true);
  });

  it("resolves as the kernel does: `..` after a link, and /proc/self/cwd as the project", () => {
    // keys → ~/.ssh, so keys/.. is ~ (folding the path by its spelling would say the project).
    expectDenied(decide("Read", { file_path: "keys/../.aws/credentials" }), `${home}/.aws`);
    expectDenied(decide("Read", { file_path: "/proc/self/cwd/../../../.ssh/id_ed25519" }), `${home}/.ssh`);
    expectDenied(decide("Write", { file_path: "/proc/self/cwd/../../x.txt" }), "outside");
    expect(decide("Read", { file_path: "/proc/self/cwd/src/index.ts" }).allowed).toBe(true);
    // Another process's working directory cannot be followed.
    expectDenied(
      decide("Read", { file_path: "/proc/1/cwd/.ssh/id_ed25519" }),
      "could not be checked",
      "/proc",
    );
  });

  it("refuses a process environment, which holds API keys", () => {
    expectDenied(decide("Read", { file_path: "/proc/self/environ" }), "/proc/self/environ", "environment");
    expectDenied(decide("Read", { file_path: "/proc/1/task/1/environ" }), "/proc/1/task/1/environ");
  });

  it("refuses a Grep whose path is in a secret directory", () => {
    expectDenied(decide("Grep", { pattern: "KEY", path: `${home}/.aws` }), `${home}/.aws`);
    expectDenied(decide("Grep", { pattern: "KEY", path: "keys" }), "keys", `${home}/.ssh`);
  });

  it("refuses a Grep over a directory that holds secrets, since it searches hidden files", () => {
    expectDenied(decide("Grep", { pattern: "PRIVATE KEY", path: home }), home, `${home}/.ssh`);
    expectDenied(decide("Grep", { pattern: "PRIVATE KEY", path: "~" }), "~", "hidden files");
  });

  it("refuses a Glob whose pattern or path starts inside a secret", () => {
    expectDenied(decide("Glob", { pattern: `${home}/.ssh/*` }), `${home}/.ssh/*`);
    expectDenied(decide("Glob", { pattern: "~/.aws/**" }), "~/.aws/**", `${home}/.aws`);
    expectDenied(decide("Glob", { pattern: "../../../.ssh/*" }), "../../../.ssh/*", `${home}/.ssh`);
    expectDenied(decide("Glob", { pattern: "*", path: `${home}/.ssh` }), `${home}/.ssh`);
  });

  it("lets Glob list names under a directory that holds secrets (names only, never contents)", () => {
    expect(decide("Glob", { pattern: "*/id_*", path: home }).allowed).toBe(true);
    expect(decide("Glob", { pattern: `${home}/.ss?/*` }).allowed).toBe(true);
  });
});

describe("files a tool hands to a web page or saves (the browser's)", () => {
  const upload = "mcp__playwright__browser_file_upload";
  const shot = "mcp__playwright__browser_take_screenshot";

  it("hands a page only the project's own files, judged by where they really lead", () => {
    expect(decide(upload, { paths: ["src/index.ts", `${project}/.gitignore`] }).allowed).toBe(true);
    expectDenied(
      decide(upload, { paths: ["src/index.ts", `${outside}/precious.txt`] }),
      `${outside}/precious.txt`,
    );
    expectDenied(decide(upload, { paths: ["escape-file"] }), "escape-file", `${outside}/precious.txt`);
    expectDenied(decide(upload, { paths: ["keys/id_ed25519"] }), "keys/id_ed25519");
    expectDenied(
      decide("mcp__playwright__browser_drop", { paths: ["~/.aws/credentials"] }),
      "~/.aws/credentials",
    );
    expectDenied(decide(upload, { paths: "src/index.ts" }), "`paths`");
    expectDenied(decide(upload, { paths: [42] }), "`paths`");
  });

  it("saves output only inside the project, and never in .git", () => {
    expect(decide(shot, { filename: "shots/home.png" }).allowed).toBe(true);
    expectDenied(decide(shot, { filename: `${outside}/x.png` }), `${outside}/x.png`, "outside the project");
    expectDenied(decide(shot, { filename: "escape/x.png" }), "escape/x.png");
    expectDenied(
      decide("mcp__playwright__browser_evaluate", { function: "() => 1", filename: ".git/hooks/pre-commit" }),
      ".git",
    );
    expectDenied(decide(shot, { filename: 7 }), "`filename`");
  });

  it("lets browser tools that name no file through", () => {
    expect(decide("mcp__playwright__browser_navigate", { url: "http://127.0.0.1:3000/" })).toEqual({
      allowed: true,
      reason: "not a file tool",
    });
  });
});

describe("inputs", () => {
  it("refuses a missing or non-string path, naming the field", () => {
    expectDenied(decide("Write", { content: "x" }), "`file_path`", "missing");
    expectDenied(decide("Edit", { file_path: 42 }), "`file_path`", "number");
    expectDenied(decide("Read", null), "`file_path`");
    expectDenied(decide("Read", { file_path: "" }), "`file_path`");
    expectDenied(decide("NotebookEdit", { file_path: "a.ipynb" }), "`notebook_path`");
    expectDenied(decide("Grep", { pattern: "x", path: ["/"] }), "`path`", "object");
    expectDenied(decide("Glob", { path: project }), "`pattern`");
  });

  it("judges other tools only by a path they name", () => {
    expect(decide("Bash", { command: "ls" })).toEqual({ allowed: true, reason: "not a file tool" });
    expect(decide("mcp__baton__next_task", {})).toEqual({ allowed: true, reason: "not a file tool" });
    expectDenied(decide("LS", { path: `${home}/.ssh` }), `${home}/.ssh`);
    expectDenied(decide("Artifact", { file_path: "~/.aws/credentials" }), "~/.aws/credentials");
    expect(decide("Artifact", { file_path: "dist/index.html" }).allowed).toBe(true);
  });

  it("turns a path it cannot check into a denial instead of throwing", () => {
    expectDenied(decide("Write", { file_path: "src/a\0b.ts" }), "could not be checked");
    expectDenied(decide("Read", { file_path: "/tmp/a\0b" }), "Read could not be checked");
    expectDenied(decide("Write", { file_path: "/etc/a\nb" }), "/etc/a\\nb");
  });
});
