import { fail } from "../errors.ts";

/**
 * Which credentials a session will use, in Claude Code's own order of precedence: a cloud
 * provider, then ANTHROPIC_AUTH_TOKEN (a bearer token for a gateway), then ANTHROPIC_API_KEY,
 * then CLAUDE_CODE_OAUTH_TOKEN (a Claude subscription token).
 */
export type CredentialsKind = "bedrock" | "vertex" | "foundry" | "auth_token" | "api_key" | "oauth_token";

export interface Credentials {
  kind: CredentialsKind;
  /** Where requests go when ANTHROPIC_BASE_URL points elsewhere than Anthropic. */
  base_url: string | null;
  /** Said to the person, e.g. when an API key will be billed although a subscription token is set too. */
  warnings: string[];
}

const LABELS: Record<CredentialsKind, string> = {
  bedrock: "Amazon Bedrock",
  vertex: "Google Vertex AI",
  foundry: "Microsoft Foundry",
  auth_token: "bearer token (ANTHROPIC_AUTH_TOKEN)",
  api_key: "API key (ANTHROPIC_API_KEY)",
  oauth_token: "Claude subscription token (CLAUDE_CODE_OAUTH_TOKEN)",
};

export function describeCredentials(kind: CredentialsKind): string {
  return LABELS[kind];
}

/** Every variable that selects or carries credentials for Claude Code. */
export const CREDENTIAL_VARIABLES = [
  "CLAUDE_CODE_USE_BEDROCK",
  "CLAUDE_CODE_USE_VERTEX",
  "CLAUDE_CODE_USE_FOUNDRY",
  "ANTHROPIC_AUTH_TOKEN",
  "ANTHROPIC_API_KEY",
  "CLAUDE_CODE_OAUTH_TOKEN",
  "ANTHROPIC_BASE_URL",
] as const;

/** The environment with no credentials in it: for runs that must never reach a real model. */
export function withoutCredentials(
  env: Record<string, string | undefined>,
): Record<string, string | undefined> {
  const copy = { ...env };
  for (const name of CREDENTIAL_VARIABLES) delete copy[name];
  return copy;
}

function isSet(env: Record<string, string | undefined>, name: string): boolean {
  return (env[name] ?? "").trim() !== "";
}

function isOn(env: Record<string, string | undefined>, name: string): boolean {
  return ["1", "true", "yes"].includes((env[name] ?? "").trim().toLowerCase());
}

/** Refuses, before anything is created, when no credentials are present. */
export function detectCredentials(env: Record<string, string | undefined>): Credentials {
  const base_url = isSet(env, "ANTHROPIC_BASE_URL") ? (env.ANTHROPIC_BASE_URL ?? "").trim() : null;
  const warnings: string[] = [];
  let kind: CredentialsKind | undefined;
  if (isOn(env, "CLAUDE_CODE_USE_BEDROCK")) kind = "bedrock";
  else if (isOn(env, "CLAUDE_CODE_USE_VERTEX")) kind = "vertex";
  else if (isOn(env, "CLAUDE_CODE_USE_FOUNDRY")) kind = "foundry";
  else if (isSet(env, "ANTHROPIC_AUTH_TOKEN")) kind = "auth_token";
  else if (isSet(env, "ANTHROPIC_API_KEY")) kind = "api_key";
  else if (isSet(env, "CLAUDE_CODE_OAUTH_TOKEN")) kind = "oauth_token";
  if (kind === undefined) {
    throw fail("BATON_CREDENTIALS_MISSING", {});
  }
  if (kind === "api_key" && isSet(env, "CLAUDE_CODE_OAUTH_TOKEN")) {
    warnings.push(
      "both ANTHROPIC_API_KEY and CLAUDE_CODE_OAUTH_TOKEN are set: Claude Code uses the API key, so usage is billed to the API account, not the subscription",
    );
  }
  return { kind, base_url, warnings };
}
