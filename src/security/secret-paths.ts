/** The files a session may never read: credentials of the user's tools, Baton's data, other `.env` files. */
import { readdirSync } from "node:fs";
import path from "node:path";
import { otherReadableHomes } from "./accounts.ts";
import { isInside } from "./paths.ts";

/**
 * Under the user's home: keys, tokens and sessions of the tools a developer has signed in with,
 * and browser profiles (their cookies sign in to everything).
 */
export const HOME_SECRETS = [
  // keys and signing
  ".ssh",
  ".gnupg",
  ".password-store",
  ".local/share/keyrings",
  // cloud and cluster credentials
  ".aws",
  ".config/gcloud",
  ".azure",
  ".kube",
  ".docker/config.json",
  ".config/doctl",
  ".oci",
  ".vault-token",
  ".terraform.d/credentials.tfrc.json",
  // registries, package managers and databases
  ".netrc",
  ".npmrc",
  ".yarnrc.yml",
  ".pypirc",
  ".pgpass",
  ".my.cnf",
  ".cargo/credentials",
  ".cargo/credentials.toml",
  ".gem/credentials",
  ".m2/settings.xml",
  ".gradle/gradle.properties",
  // git hosts
  ".git-credentials",
  ".config/gh",
  ".config/glab-cli",
  ".config/hub",
  // Claude Code's own sign-in and settings
  ".claude.json",
  ".claude/.credentials.json",
  // browser profiles
  ".mozilla",
  ".config/google-chrome",
  ".config/chromium",
  ".config/BraveSoftware",
  ".config/microsoft-edge",
  "snap/chromium",
  "snap/firefox",
  "Library/Keychains",
  "Library/Application Support/Google/Chrome",
  "Library/Application Support/Firefox",
];

export interface SecretScope {
  /** The project directory (absolute): what lies inside it is the session's own. */
  projectDir: string;
  /** The user's home directory. */
  home: string;
  /** Baton's own data directory (`BATON_HOME` or `~/.baton`). */
  batonHome: string;
  /** Other accounts' homes whose credentials are readable too (default: otherReadableHomes). */
  otherHomes?: readonly string[];
  /** More files of Baton's own: its SQLite database, when it lies outside Baton's home. */
  extra?: readonly string[];
}

function isEnvFile(name: string): boolean {
  return name === ".env" || name.startsWith(".env.");
}

function envFilesIn(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => isEnvFile(e.name) && !e.isDirectory())
      .map((e) => path.join(dir, e.name));
  } catch {
    return [];
  }
}

function subdirectories(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => path.join(dir, e.name));
  } catch {
    return [];
  }
}

/**
 * `.env` files outside the project that exist now: in every directory above the project, in the
 * home directory, and in the project's sibling directories (other generated apps next to it).
 */
export function envFilesOutside(projectDir: string, home: string): string[] {
  const dirs = new Set<string>([home]);
  for (let dir = path.dirname(projectDir); ; dir = path.dirname(dir)) {
    dirs.add(dir);
    if (path.dirname(dir) === dir) break;
  }
  for (const sibling of subdirectories(path.dirname(projectDir))) {
    if (sibling !== projectDir) dirs.add(sibling);
  }
  return [...dirs].flatMap(envFilesIn);
}

/**
 * Absolute paths (files or whole directories) a session must not read: the credentials under the
 * user's home (and under every account's home when Baton runs as root), Baton's data directory,
 * and `.env` files outside the project. Paths inside the project
 * are left out (a project may keep its own `.env`); a secret directory that holds the project (a
 * project under the Baton home) stays listed, and the project is read-allowed inside it.
 */
export function secretPaths(scope: SecretScope): string[] {
  const projectDir = path.resolve(scope.projectDir);
  const homes = [scope.home, ...(scope.otherHomes ?? otherReadableHomes(scope.home))];
  const candidates = [
    ...homes.flatMap((home) => HOME_SECRETS.map((p) => path.join(home, p))),
    path.resolve(scope.batonHome),
    ...(scope.extra ?? []).map((p) => path.resolve(p)),
    ...envFilesOutside(projectDir, scope.home),
  ];
  return [...new Set(candidates)].filter((p) => !isInside(p, projectDir));
}

/** Whether reading `file` (absolute, resolved) would read a secret; the project's own files never do. */
export function isSecret(file: string, secrets: readonly string[], projectDir: string): boolean {
  if (isInside(file, projectDir)) return false;
  return secrets.some((secret) => isInside(file, secret));
}
