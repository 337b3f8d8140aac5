import { describe, expect, it } from "vitest";
import { Config, envVarName, LEAF_PATHS, LEAVES, SECRET_LEAVES } from "../../src/config/schema.ts";

describe("config schema", () => {
  it("lists every leaf of the schema as section.key, in schema order", () => {
    expect(LEAF_PATHS).toEqual([
      "models.initializer",
      "models.coding",
      "models.review",
      "timing.auto_continue_delay_s",
      "timing.heartbeat_interval_s",
      "timing.stale_after_s",
      "stuck.repeated_failures",
      "stuck.no_progress_minutes",
      "orchestrator.max_concurrent_projects",
      "worker.lease_s",
      "worker.max_sessions",
      "project.generations_dir",
      "project.max_iterations",
      "project.budget_usd",
      "sandbox.type",
      "sandbox.allowed_domains",
      "sandbox.docker_image",
      "sandbox.docker_memory",
      "sandbox.docker_cpus",
      "sandbox.docker_env",
      "sandbox.pass_env",
      "security.mode",
      "security.extra_blocked_commands",
      "security.extra_allowed_commands",
      "review.deep_every",
      "review.deep_below_rating",
      "review.rules",
      "server.host",
      "server.port",
      "server.cors_origins",
      "server.max_upload_kb",
      "auth.ui_password",
      "auth.secret_key",
      "auth.token_ttl_hours",
      "auth.login_attempts_per_minute",
      "database.url",
    ]);
  });

  it("marks the password, the signing key and database.url as the secrets", () => {
    expect(SECRET_LEAVES).toEqual(["auth.ui_password", "auth.secret_key", "database.url"]);
  });

  it("reads database.url, the password and the signing key from their own variables and every other key from BATON_<SECTION>_<KEY>", () => {
    const names = Object.fromEntries(LEAVES.map((leaf) => [leaf.path, envVarName(leaf)]));
    expect(names["database.url"]).toBe("DATABASE_URL");
    expect(names["auth.ui_password"]).toBe("UI_PASSWORD");
    expect(names["auth.secret_key"]).toBe("SECRET_KEY");
    expect(names["timing.auto_continue_delay_s"]).toBe("BATON_TIMING_AUTO_CONTINUE_DELAY_S");
    expect(names["security.extra_blocked_commands"]).toBe("BATON_SECURITY_EXTRA_BLOCKED_COMMANDS");
    expect(new Set(Object.values(names)).size).toBe(LEAVES.length);
  });

  it("rejects an unknown key inside a section", () => {
    expect(Config.safeParse({ models: { codng: "x" } }).success).toBe(false);
  });

  it("accepts null for the keys that allow it and nowhere else", () => {
    const nullable = LEAVES.filter((leaf) => leaf.schema.safeParse(null).success).map((leaf) => leaf.path);
    expect(nullable).toEqual([
      "worker.max_sessions",
      "project.max_iterations",
      "project.budget_usd",
      "auth.ui_password",
      "auth.secret_key",
      "database.url",
    ]);
    expect(LEAVES.filter((leaf) => leaf.info.nullable).map((leaf) => leaf.path)).toEqual(nullable);
  });
});
