/**
 * The environment a session's Claude Code process gets, and so every process it starts: its
 * shell commands, MCP servers and dev servers. Built from Baton's own environment by an
 * allowlist: what tools need to run (PATH, HOME, locale, proxies and certificates, tool homes)
 * and Claude Code's own settings, never Baton's (DATABASE_URL, SECRET_KEY, UI_PASSWORD,
 * BATON_*), never a variable whose name says it holds a secret, plus the names
 * `sandbox.pass_env` adds.
 *
 * The model credential itself (ANTHROPIC_API_KEY, CLAUDE_CODE_OAUTH_TOKEN or ANTHROPIC_AUTH_TOKEN)
 * is not in that environment either: Claude Code reads it from a pipe Baton hands it at start
 * (its `CLAUDE_CODE_*_FILE_DESCRIPTOR` variables), so `printenv` in a session shows only the
 * descriptor's number. Cloud providers (Bedrock, Vertex, Foundry) read their own credential
 * files, which sessions cannot read; their credential variables, when set, still have to reach
 * Claude Code through the environment, and a warning says so.
 */
import type { CredentialsKind } from "./credentials.ts";
import { detectCredentials } from "./credentials.ts";

type Env = Record<string, string | undefined>;

/** Passed as they are (when set). */
const PASSED = new Set([
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "LANG",
  "LANGUAGE",
  "TERM",
  "TZ",
  "TMPDIR",
  "COLORTERM",
  "NO_COLOR",
  "FORCE_COLOR",
  "EDITOR",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "ALL_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "all_proxy",
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "REQUESTS_CA_BUNDLE",
  "CURL_CA_BUNDLE",
  "NVM_DIR",
  "NVM_BIN",
  "PNPM_HOME",
  "BUN_INSTALL",
  "VOLTA_HOME",
  "DENO_DIR",
  "PYENV_ROOT",
  "VIRTUAL_ENV",
  "CARGO_HOME",
  "RUSTUP_HOME",
  "GOPATH",
  "GOROOT",
  "JAVA_HOME",
  // Claude Code: where the model is and which provider (the credentials come apart, below).
  "ANTHROPIC_BASE_URL",
  "ANTHROPIC_MODEL",
  "ANTHROPIC_SMALL_FAST_MODEL",
  "ANTHROPIC_DEFAULT_OPUS_MODEL",
  "ANTHROPIC_DEFAULT_SONNET_MODEL",
  "ANTHROPIC_DEFAULT_HAIKU_MODEL",
  "ANTHROPIC_VERTEX_PROJECT_ID",
  "ANTHROPIC_FOUNDRY_RESOURCE",
  "ANTHROPIC_FOUNDRY_BASE_URL",
  "CLOUD_ML_REGION",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_PROFILE",
  "GOOGLE_CLOUD_PROJECT",
  "DISABLE_TELEMETRY",
  "DISABLE_ERROR_REPORTING",
  "DISABLE_AUTOUPDATER",
  "MAX_THINKING_TOKENS",
  "BASH_DEFAULT_TIMEOUT_MS",
  "BASH_MAX_TIMEOUT_MS",
  "API_TIMEOUT_MS",
  "MCP_TIMEOUT",
  "MCP_TOOL_TIMEOUT",
]);

/** Passed by prefix (when not secret by name): locale, XDG dirs, npm, pip and Claude Code settings. */
const PASSED_PREFIXES = ["LC_", "XDG_", "npm_config_", "PIP_", "CLAUDE_CODE_", "VERTEX_REGION_"];

/** A name that says it holds a secret is never passed by prefix or list. */
const SECRET_NAME =
  /(?:^|_)[A-Z]*(?:TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|PRIVATE|CREDENTIALS?|COOKIE|DSN|KEY|AUTH)(?:$|_)|DATABASE_URL|CONNECTION_STRING|SESSION_ID/i;

/** Never passed, whatever `sandbox.pass_env` says: Baton's own settings and secrets. */
const NEVER = /^(?:BATON_.*|DATABASE_URL|TEST_DATABASE_URL|SECRET_KEY|UI_PASSWORD|PG[A-Z_]*)$/;

/** How Claude Code reads each credential from a descriptor instead of a variable. */
const DESCRIPTOR_VARIABLE: Partial<Record<CredentialsKind, { variable: string; descriptor: string }>> = {
  api_key: { variable: "ANTHROPIC_API_KEY", descriptor: "CLAUDE_CODE_API_KEY_FILE_DESCRIPTOR" },
  oauth_token: { variable: "CLAUDE_CODE_OAUTH_TOKEN", descriptor: "CLAUDE_CODE_OAUTH_TOKEN_FILE_DESCRIPTOR" },
  auth_token: { variable: "ANTHROPIC_AUTH_TOKEN", descriptor: "CLAUDE_CODE_GATEWAY_TOKEN_FILE_DESCRIPTOR" },
};

/** What each cloud provider reads from the environment, secret or not. */
const PROVIDER_VARIABLES: Partial<Record<CredentialsKind, readonly string[]>> = {
  bedrock: [
    "CLAUDE_CODE_USE_BEDROCK",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_BEARER_TOKEN_BEDROCK",
    "ANTHROPIC_BEDROCK_BASE_URL",
  ],
  vertex: ["CLAUDE_CODE_USE_VERTEX", "GOOGLE_APPLICATION_CREDENTIALS", "ANTHROPIC_VERTEX_BASE_URL"],
  foundry: ["CLAUDE_CODE_USE_FOUNDRY", "ANTHROPIC_FOUNDRY_API_KEY"],
};

/** The descriptor Claude Code reads its credential from (after stdin, stdout and stderr). */
export const CREDENTIAL_FD = 3;

export interface SessionEnvironment {
  /** The whole environment of Claude Code (and of everything it starts). */
  env: Record<string, string>;
  /** Written to descriptor CREDENTIAL_FD of Claude Code at start; null: none to hand over. */
  credential: string | null;
  /** Said to the person at the session's start (e.g. a provider secret that stays in the environment). */
  warnings: string[];
}

export interface SessionEnvOptions {
  /** More names to pass (`sandbox.pass_env`); Baton's own are never passed. */
  passEnv?: readonly string[];
  /**
   * Keep the credential in the environment instead of handing it over on a descriptor (the
   * docker sandbox, whose `docker exec` cannot pass descriptors into the container).
   */
  credentialInEnv?: boolean;
}

/** Whether `name` from Baton's environment goes into sessions by default. */
export function passesByDefault(name: string): boolean {
  if (NEVER.test(name) || SECRET_NAME.test(name)) return false;
  return PASSED.has(name) || PASSED_PREFIXES.some((p) => name.startsWith(p));
}

/**
 * The environment of a session (or of a review's model call) from Baton's environment `host`.
 * Refuses (BATON_CREDENTIALS_MISSING) like detectCredentials when there are no credentials.
 */
export function sessionEnvironment(host: Env, options: SessionEnvOptions = {}): SessionEnvironment {
  const credentials = detectCredentials(host);
  const env: Record<string, string> = {};
  const extra = new Set(options.passEnv ?? []);
  for (const [name, value] of Object.entries(host)) {
    if (value === undefined) continue;
    if (passesByDefault(name) || (extra.has(name) && !NEVER.test(name))) env[name] = value;
  }
  const warnings: string[] = [];
  for (const name of PROVIDER_VARIABLES[credentials.kind] ?? []) {
    const value = host[name];
    if (value === undefined || value === "") continue;
    env[name] = value;
    if (SECRET_NAME.test(name) || name === "AWS_ACCESS_KEY_ID") {
      warnings.push(
        `${name} is set: Claude Code needs it in its environment, so sessions' commands can read it; keep ${credentials.kind === "bedrock" ? "AWS" : "provider"} credentials in their own files (e.g. ~/.aws, which sessions cannot read) instead`,
      );
    }
  }
  const handover = DESCRIPTOR_VARIABLE[credentials.kind];
  if (handover === undefined) return { env, credential: null, warnings };
  const value = (host[handover.variable] ?? "").trim();
  if (options.credentialInEnv) {
    env[handover.variable] = value;
    return { env, credential: null, warnings };
  }
  env[handover.descriptor] = String(CREDENTIAL_FD);
  return { env, credential: value, warnings };
}
