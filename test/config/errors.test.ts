import { describe, expect, it } from "vitest";
import { type LoadConfigOptions, loadConfig } from "../../src/config/load.ts";
import { BatonError } from "../../src/errors.ts";
import { makeWorld } from "../helpers/world.ts";

/** Loads and returns the BatonError it throws (fails the test if nothing is thrown). */
function configError(options: LoadConfigOptions): BatonError {
  try {
    loadConfig(options);
  } catch (error) {
    if (error instanceof BatonError) return error;
    throw error;
  }
  throw new Error("expected loadConfig to throw");
}

describe("loadConfig: invalid configuration", () => {
  it("names the file, the key, the expected type and the bad value", () => {
    const w = makeWorld();
    w.write("project/baton.yaml", "timing:\n  auto_continue_delay_s: soon\n");
    const error = configError({ cwd: w.cwd, env: w.env });
    expect(error.code).toBe("BATON_CONFIG_INVALID");
    expect(error.message).toBe('baton.yaml: timing.auto_continue_delay_s: expected a number ≥ 0, got "soon"');
    expect(error.data).toMatchObject({
      source: "baton.yaml",
      key: "timing.auto_continue_delay_s",
      value: "soon",
    });
  });

  it("names the environment variable that holds a bad enum value", () => {
    const w = makeWorld();
    const error = configError({ cwd: w.cwd, env: { ...w.env, BATON_SANDBOX_TYPE: "vm" } });
    expect(error.message).toBe(
      'environment variable BATON_SANDBOX_TYPE: sandbox.type: expected one of os, docker, none, got "vm"',
    );
  });

  it("keeps a non-numeric environment string as a string so the error shows it", () => {
    const w = makeWorld();
    const error = configError({ cwd: w.cwd, env: { ...w.env, BATON_TIMING_AUTO_CONTINUE_DELAY_S: "soon" } });
    expect(error.message).toBe(
      'environment variable BATON_TIMING_AUTO_CONTINUE_DELAY_S: timing.auto_continue_delay_s: expected a number ≥ 0, got "soon"',
    );
  });

  it("rejects a bad value even when a higher layer overrides it", () => {
    const w = makeWorld();
    w.write("project/baton.yaml", "server:\n  port: 0\n");
    const error = configError({ cwd: w.cwd, env: { ...w.env, BATON_SERVER_PORT: "8080" } });
    expect(error.message).toBe("baton.yaml: server.port: expected an integer from 1 to 65535, got 0");
  });

  it("names the flag that holds a bad value", () => {
    const w = makeWorld();
    const error = configError({
      cwd: w.cwd,
      env: w.env,
      flags: { "database.url": "" },
      flagNames: { "database.url": "--database-url" },
    });
    expect(error.message).toBe(
      'flag --database-url: database.url: expected a non-empty string or null, got ""',
    );
  });

  it("lists the known keys of the section for an unknown key", () => {
    const w = makeWorld();
    w.write("project/baton.yaml", "models:\n  codng: haiku\n");
    expect(configError({ cwd: w.cwd, env: w.env }).message).toBe(
      "baton.yaml: models.codng: unknown key (known keys in models: initializer, coding, review)",
    );
  });

  it("lists the known sections for an unknown section", () => {
    const w = makeWorld();
    w.write("project/baton.yaml", "modles:\n  coding: haiku\n");
    expect(configError({ cwd: w.cwd, env: w.env }).message).toBe(
      "baton.yaml: modles: unknown section (known sections: models, timing, stuck, orchestrator, worker, project, sandbox, security, review, server, auth, database)",
    );
  });

  it("reports invalid YAML with its line and column", () => {
    const w = makeWorld();
    w.write("project/baton.yaml", "models:\n  coding: sonnet\n  review: [haiku\nserver:\n  port: 1\n");
    const message = configError({ cwd: w.cwd, env: w.env }).message;
    expect(message).toMatch(/^baton\.yaml: invalid YAML at line \d+, column \d+: \S/);
    expect(message).not.toContain("\n");
  });

  it("reports the line of a duplicate key", () => {
    const w = makeWorld();
    w.write("project/baton.yaml", "server:\n  port: 1\n  port: 2\n");
    expect(configError({ cwd: w.cwd, env: w.env }).message).toBe(
      "baton.yaml: invalid YAML at line 3, column 3: Map keys must be unique",
    );
  });

  it("says so when the top level of a file is not a mapping", () => {
    const w = makeWorld();
    w.write("project/baton.yaml", "- models\n- timing\n");
    expect(configError({ cwd: w.cwd, env: w.env }).message).toBe(
      'baton.yaml: top level: expected a mapping of sections (models, timing, stuck, orchestrator, worker, project, sandbox, security, review, server, auth, database), got ["models","timing"]',
    );
  });

  it("says so when a section is not a mapping", () => {
    const w = makeWorld();
    w.write("project/baton.yaml", "server: 8000\n");
    expect(configError({ cwd: w.cwd, env: w.env }).message).toBe(
      "baton.yaml: server: expected a mapping of host, port, cors_origins, max_upload_kb, got 8000",
    );
  });

  it("shows a file outside the working directory by its absolute path", () => {
    const w = makeWorld();
    const userFile = w.write("baton-home/config.yaml", "review:\n  deep_every: 2.5\n");
    expect(configError({ cwd: w.cwd, env: w.env }).message).toBe(
      `${userFile}: review.deep_every: expected an integer ≥ 1, got 2.5`,
    );
  });

  it("reports every problem, one per line, files first", () => {
    const w = makeWorld();
    w.write("project/baton.yaml", "project:\n  max_iterations: 0\n  budget_usd: -1\n");
    const error = configError({ cwd: w.cwd, env: { ...w.env, BATON_REVIEW_DEEP_BELOW_RATING: "11" } });
    expect(error.message.split("\n")).toEqual([
      "baton.yaml: project.max_iterations: expected an integer ≥ 1 or null, got 0",
      "baton.yaml: project.budget_usd: expected a number > 0 or null, got -1",
      "environment variable BATON_REVIEW_DEEP_BELOW_RATING: review.deep_below_rating: expected a number from 1 to 10, got 11",
    ]);
    expect(error.data?.problems).toHaveLength(3);
  });

  it("never shows a database password in an error", () => {
    const w = makeWorld();
    w.write("project/baton.yaml", "database: postgres://baton:hunter2@db/baton\n");
    const error = configError({ cwd: w.cwd, env: w.env });
    expect(error.message).toBe(
      'baton.yaml: database: expected a mapping of url, got "postgres://baton:****@db/baton"',
    );
    expect(JSON.stringify(error.toJSON())).not.toContain("hunter2");
  });
});
