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
      "project.generations_dir",
      "project.max_iterations",
      "project.budget_usd",
      "sandbox.type",
      "sandbox.allowed_domains",
      "sandbox.docker_image",
      "sandbox.docker_memory",
      "sandbox.docker_cpus",
      "sandbox.docker_env",
      "security.mode",
      "security.extra_blocked_commands",
      "security.extra_allowed_commands",
      "review.deep_every",
      "review.deep_below_rating",
      "server.host",
      "server.port",
      "database.url",
    ]);
  });

  it("marks database.url as the only secret", () => {
    expect(SECRET_LEAVES).toEqual(["database.url"]);
  });

  it("reads database.url from DATABASE_URL and every other key from BATON_<SECTION>_<KEY>", () => {
    const names = Object.fromEntries(LEAVES.map((leaf) => [leaf.path, envVarName(leaf)]));
    expect(names["database.url"]).toBe("DATABASE_URL");
    expect(names["timing.auto_continue_delay_s"]).toBe("BATON_TIMING_AUTO_CONTINUE_DELAY_S");
    expect(names["security.extra_blocked_commands"]).toBe("BATON_SECURITY_EXTRA_BLOCKED_COMMANDS");
    expect(new Set(Object.values(names)).size).toBe(LEAVES.length);
  });

  it("rejects an unknown key inside a section", () => {
    expect(Config.safeParse({ models: { codng: "x" } }).success).toBe(false);
  });

  it("accepts null for the keys that allow it and nowhere else", () => {
    const nullable = LEAVES.filter((leaf) => leaf.schema.safeParse(null).success).map((leaf) => leaf.path);
    expect(nullable).toEqual(["project.max_iterations", "project.budget_usd", "database.url"]);
    expect(LEAVES.filter((leaf) => leaf.info.nullable).map((leaf) => leaf.path)).toEqual(nullable);
  });
});
