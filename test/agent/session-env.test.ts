import { describe, expect, it } from "vitest";
import { CREDENTIAL_FD, passesByDefault, sessionEnvironment } from "../../src/agent/session-env.ts";

const host = {
  PATH: "/usr/bin",
  HOME: "/home/me",
  LANG: "C.UTF-8",
  LC_ALL: "C.UTF-8",
  HTTPS_PROXY: "http://proxy:3128",
  npm_config_cache: "/home/me/.npm",
  ANTHROPIC_BASE_URL: "http://127.0.0.1:9",
  ANTHROPIC_API_KEY: "sk-live-secret",
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  DATABASE_URL: "postgres://baton:pw@db/baton",
  TEST_DATABASE_URL: "postgres://x",
  SECRET_KEY: "k".repeat(40),
  UI_PASSWORD: "hunter2",
  BATON_HOME: "/home/me/.baton",
  BATON_SANDBOX_TYPE: "os",
  PGPASSWORD: "pw",
  GITHUB_TOKEN: "ghp_x",
  OPENAI_API_KEY: "sk-openai",
  AWS_SECRET_ACCESS_KEY: "aws",
  npm_config__authToken: "npm-token",
  MY_TOOL_SETTING: "on",
  UNRELATED: "x",
};

describe("the environment of a session", () => {
  it("passes what tools need and hands the API key over on a descriptor, never in a variable", () => {
    const { env, credential } = sessionEnvironment(host);
    expect(env).toEqual({
      PATH: "/usr/bin",
      HOME: "/home/me",
      LANG: "C.UTF-8",
      LC_ALL: "C.UTF-8",
      HTTPS_PROXY: "http://proxy:3128",
      npm_config_cache: "/home/me/.npm",
      ANTHROPIC_BASE_URL: "http://127.0.0.1:9",
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
      CLAUDE_CODE_API_KEY_FILE_DESCRIPTOR: String(CREDENTIAL_FD),
    });
    expect(credential).toBe("sk-live-secret");
  });

  it("hands a subscription token or a gateway token over the same way", () => {
    const oauth = sessionEnvironment({ PATH: "/bin", CLAUDE_CODE_OAUTH_TOKEN: " sk-ant-oat " });
    expect(oauth.env).toEqual({ PATH: "/bin", CLAUDE_CODE_OAUTH_TOKEN_FILE_DESCRIPTOR: "3" });
    expect(oauth.credential).toBe("sk-ant-oat");
    const gateway = sessionEnvironment({ PATH: "/bin", ANTHROPIC_AUTH_TOKEN: "gw" });
    expect(gateway.env).toEqual({ PATH: "/bin", CLAUDE_CODE_GATEWAY_TOKEN_FILE_DESCRIPTOR: "3" });
    expect(gateway.credential).toBe("gw");
  });

  it("keeps the credential in the environment only where a descriptor cannot reach (docker)", () => {
    const { env, credential } = sessionEnvironment(host, { credentialInEnv: true });
    expect(env.ANTHROPIC_API_KEY).toBe("sk-live-secret");
    expect(env.CLAUDE_CODE_API_KEY_FILE_DESCRIPTOR).toBeUndefined();
    expect(credential).toBeNull();
  });

  it("passes the names sandbox.pass_env adds, but never Baton's own settings", () => {
    const { env } = sessionEnvironment(host, {
      passEnv: ["MY_TOOL_SETTING", "GITHUB_TOKEN", "DATABASE_URL", "SECRET_KEY", "BATON_HOME", "MISSING"],
    });
    expect(env.MY_TOOL_SETTING).toBe("on");
    expect(env.GITHUB_TOKEN).toBe("ghp_x"); // named by the person: their choice
    for (const name of ["DATABASE_URL", "SECRET_KEY", "BATON_HOME", "MISSING", "UI_PASSWORD", "PGPASSWORD"]) {
      expect(env[name], name).toBeUndefined();
    }
  });

  it("passes a cloud provider's variables and warns about those that are secrets", () => {
    const { env, credential, warnings } = sessionEnvironment({
      PATH: "/bin",
      CLAUDE_CODE_USE_BEDROCK: "1",
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "AKIA",
      AWS_SECRET_ACCESS_KEY: "s",
    });
    expect(credential).toBeNull();
    expect(env).toMatchObject({
      CLAUDE_CODE_USE_BEDROCK: "1",
      AWS_REGION: "us-east-1",
      AWS_SECRET_ACCESS_KEY: "s",
    });
    expect(warnings.join("\n")).toContain("AWS_SECRET_ACCESS_KEY is set");
    expect(warnings.join("\n")).toContain("~/.aws");
  });

  it("never passes a name that says it holds a secret by default", () => {
    for (const name of [
      "CLAUDE_CODE_OAUTH_TOKEN",
      "CLAUDE_CODE_API_KEY_FILE_DESCRIPTOR",
      "npm_config__authToken",
      "PIP_PASSWORD",
      "XDG_SESSION_ID",
      "LC_SECRET",
    ]) {
      expect(passesByDefault(name), name).toBe(false);
    }
    for (const name of [
      "PATH",
      "LC_CTYPE",
      "CLAUDE_CODE_MAX_OUTPUT_TOKENS",
      "MAX_THINKING_TOKENS",
      "XDG_CACHE_HOME",
    ]) {
      expect(passesByDefault(name), name).toBe(true);
    }
  });
});
