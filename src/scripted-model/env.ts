/**
 * The environment a Claude Agent SDK process needs to run a session against the scripted model
 * at `model.url`, offline. Spread it over `process.env` (the SDK's `env` option replaces the child's
 * environment): `env: { ...process.env, ...scriptedModelEnv(model) }` (or `model.env()`).
 *
 * - ANTHROPIC_BASE_URL sends every model request here.
 * - ANTHROPIC_API_KEY: any value; the server does not check it. It also wins over a
 *   CLAUDE_CODE_OAUTH_TOKEN inherited from the parent (observed: requests carry only x-api-key).
 * - CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 stops the session-title side request and the
 *   binary's own connections to api.anthropic.com (telemetry); with it, strace saw no connection
 *   but the one to the base URL. Nothing else was needed for a sub-second session.
 */
export function scriptedModelEnv(model: { url: string }): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: model.url,
    ANTHROPIC_API_KEY: "sk-test-scripted",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  };
}
