import { describe, expect, it } from "vitest";
import { detectCredentials } from "../../src/agent/credentials.ts";
import { isBatonError } from "../../src/errors.ts";
import { formatDuration } from "../../src/util/duration.ts";

describe("credentials", () => {
  it("refuses with the variables to set when there are none", () => {
    let error: unknown;
    try {
      detectCredentials({ PATH: "/usr/bin", ANTHROPIC_API_KEY: "  " });
    } catch (e) {
      error = e;
    }
    expect(isBatonError(error, "BATON_CREDENTIALS_MISSING")).toBe(true);
    expect((error as Error).message).toContain("CLAUDE_CODE_OAUTH_TOKEN");
    expect((error as Error).message).toContain("ANTHROPIC_API_KEY");
  });

  it("reports which credentials are used, in Claude Code's order, and warns when an API key wins over a token", () => {
    expect(detectCredentials({ CLAUDE_CODE_OAUTH_TOKEN: "t" })).toEqual({
      kind: "oauth_token",
      base_url: null,
      warnings: [],
    });
    const both = detectCredentials({
      CLAUDE_CODE_OAUTH_TOKEN: "t",
      ANTHROPIC_API_KEY: "k",
      ANTHROPIC_BASE_URL: "http://x",
    });
    expect(both.kind).toBe("api_key");
    expect(both.base_url).toBe("http://x");
    expect(both.warnings[0]).toContain("billed to the API account");
    expect(detectCredentials({ ANTHROPIC_AUTH_TOKEN: "g", ANTHROPIC_API_KEY: "k" }).kind).toBe("auth_token");
    expect(detectCredentials({ CLAUDE_CODE_USE_BEDROCK: "1", ANTHROPIC_API_KEY: "k" }).kind).toBe("bedrock");
    expect(detectCredentials({ CLAUDE_CODE_USE_VERTEX: "true" }).kind).toBe("vertex");
  });
});

describe("durations", () => {
  it("reads like 250ms, 2.5s, 45s, 2m 30s and 1h 15m", () => {
    expect(formatDuration(250.4)).toBe("250ms");
    expect(formatDuration(2_560)).toBe("2.5s");
    expect(formatDuration(44_600)).toBe("45s");
    expect(formatDuration(150_000)).toBe("2m 30s");
    expect(formatDuration(4_500_000)).toBe("1h 15m");
    expect(formatDuration(-5)).toBe("0ms");
  });
});
