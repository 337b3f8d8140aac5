import type { SDKAssistantMessageError } from "@anthropic-ai/claude-agent-sdk";
import { assertNever } from "../util/assert-never.ts";
import { type Credentials, describeCredentials } from "./credentials.ts";

/**
 * What to do about an error the model service reported:
 * - `fatal`: retrying cannot help and a person must act (bad credentials, billing, unknown model);
 * - `wait`: the service asks to slow down (rate limit, overload);
 * - `transient`: worth retrying (server errors, dropped connections).
 */
export type ModelErrorClass = "fatal" | "wait" | "transient";

export function classifyModelError(kind: SDKAssistantMessageError): ModelErrorClass {
  switch (kind) {
    case "authentication_failed":
    case "oauth_org_not_allowed":
    case "account_on_hold":
    case "verification_required":
    case "billing_error":
    case "cloud_credential_error":
    case "model_not_found":
    case "invalid_request":
      return "fatal";
    case "rate_limit":
    case "overloaded":
      return "wait";
    case "server_error":
    case "unknown":
    case "max_output_tokens":
      return "transient";
    default:
      return assertNever(kind, "model error");
  }
}

/** One line that says what went wrong and what the person should do. */
export function fatalModelErrorMessage(
  kind: SDKAssistantMessageError,
  credentials: Credentials,
  model: string,
): string {
  const used = describeCredentials(credentials.kind);
  const where = credentials.base_url ? ` at ${credentials.base_url}` : "";
  switch (kind) {
    case "authentication_failed":
      return `the model service${where} rejected the ${used}; check the value, or replace it with a valid key or token`;
    case "oauth_org_not_allowed":
    case "account_on_hold":
    case "verification_required":
      return `the account behind the ${used} cannot be used right now (${kind.replace(/_/g, " ")}); sign in to Claude to resolve it`;
    case "billing_error":
      return `the account behind the ${used} has no credit left; add credit or use other credentials`;
    case "cloud_credential_error":
      return `the cloud provider's credentials were refused (${used}); check that provider's login and region`;
    case "model_not_found":
      return `the model service${where} does not know the model "${model}"; choose another model`;
    case "invalid_request":
      return `the model service${where} refused the request as invalid; see the session log for details`;
    default:
      return `the model service reported ${kind}`;
  }
}

/** Connection failures before the service has ever answered: after this many tries it is called unreachable. */
export const UNREACHABLE_AFTER_ATTEMPTS = 3;

export function unreachableMessage(credentials: Credentials): string {
  const where = credentials.base_url ?? "the Anthropic API";
  return `cannot reach the model service at ${where}; check ANTHROPIC_BASE_URL, the network and any proxy`;
}
