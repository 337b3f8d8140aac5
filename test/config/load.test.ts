import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.ts";
import { Config, LEAF_PATHS } from "../../src/config/schema.ts";
import { isBatonError } from "../../src/errors.ts";
import { makeWorld } from "../helpers/world.ts";

describe("loadConfig: defaults", () => {
  it("returns every default with origin default when no file, env or flag sets anything", () => {
    const w = makeWorld();
    const loaded = loadConfig({ cwd: w.cwd, env: w.env });

    expect(loaded.config).toEqual({
      models: { initializer: "opus", coding: "sonnet", review: "sonnet" },
      timing: { auto_continue_delay_s: 3, heartbeat_interval_s: 15, stale_after_s: 120 },
      stuck: { repeated_failures: 5, no_progress_minutes: 30 },
      orchestrator: { max_concurrent_projects: 3 },
      worker: { lease_s: 60, max_sessions: null },
      project: { generations_dir: "generations", max_iterations: null, budget_usd: null },
      sandbox: {
        type: "os",
        allowed_domains: [
          "registry.npmjs.org",
          "registry.yarnpkg.com",
          "repo.yarnpkg.com",
          "pypi.org",
          "files.pythonhosted.org",
          "nodejs.org",
        ],
        docker_image: "node:20-bookworm",
        docker_memory: "4g",
        docker_cpus: 2,
        docker_env: [
          "ANTHROPIC_API_KEY",
          "ANTHROPIC_AUTH_TOKEN",
          "CLAUDE_CODE_OAUTH_TOKEN",
          "ANTHROPIC_BASE_URL",
          "CLAUDE_CODE_USE_BEDROCK",
          "CLAUDE_CODE_USE_VERTEX",
        ],
        pass_env: [],
      },
      security: { mode: "blocklist", extra_blocked_commands: [], extra_allowed_commands: [] },
      review: { deep_every: 5, deep_below_rating: 7, rules: {} },
      server: { host: "127.0.0.1", port: 8000, cors_origins: [], max_upload_kb: 1024 },
      auth: { ui_password: null, secret_key: null, token_ttl_hours: 12, login_attempts_per_minute: 10 },
      database: { url: null },
    });
    expect(Object.keys(loaded.origins).sort()).toEqual([...LEAF_PATHS].sort());
    for (const leaf of LEAF_PATHS) expect(loaded.origins[leaf]).toEqual({ kind: "default" });
    expect(loaded.files).toEqual([]);
  });

  it("uses BATON_HOME as the Baton home, resolved against cwd", () => {
    const w = makeWorld();
    expect(loadConfig({ cwd: w.cwd, env: { BATON_HOME: "../elsewhere" } }).home).toBe(
      path.join(w.root, "elsewhere"),
    );
  });

  it("puts the Baton home at ~/.baton when BATON_HOME is not set", () => {
    const w = makeWorld();
    const loaded = loadConfig({ cwd: w.cwd, env: {}, homedir: w.root });
    expect(loaded.home).toBe(path.join(w.root, ".baton"));
  });

  it("reads the user file from the Baton home", () => {
    const w = makeWorld();
    const userFile = w.write(path.join(w.root, ".baton/config.yaml"), "server:\n  port: 9001\n");
    const loaded = loadConfig({ cwd: w.cwd, env: {}, homedir: w.root });
    expect(loaded.config.server.port).toBe(9001);
    expect(loaded.origins["server.port"]).toEqual({ kind: "file", path: userFile });
  });
});

describe("loadConfig: precedence flag > env > user file > default", () => {
  const userYaml = "database:\n  url: sqlite:/from/user.db\nmodels:\n  coding: user-model\n";
  const projectYaml = "database:\n  url: sqlite:/from/project.db\n";

  it("takes a value from the user file over the default", () => {
    const w = makeWorld();
    const userFile = w.write("baton-home/config.yaml", userYaml);
    const loaded = loadConfig({ cwd: w.cwd, env: w.env });
    expect(loaded.config.database.url).toBe("sqlite:/from/user.db");
    expect(loaded.origins["database.url"]).toEqual({ kind: "file", path: userFile });
    expect(loaded.files).toEqual([userFile]);
  });

  it("never takes a setting from baton.yaml that it may not tighten, and says so", () => {
    const w = makeWorld();
    const userFile = w.write("baton-home/config.yaml", userYaml);
    const projectFile = w.write(
      "project/baton.yaml",
      `${projectYaml}models:\n  coding: attacker-model\nsandbox:\n  type: none\nsecurity:\n  extra_allowed_commands: [nc]\n`,
    );
    const loaded = loadConfig({ cwd: w.cwd, env: w.env });
    expect(loaded.config.database.url).toBe("sqlite:/from/user.db");
    expect(loaded.origins["database.url"]).toEqual({ kind: "file", path: userFile });
    expect(loaded.config.models.coding).toBe("user-model");
    expect(loaded.config.sandbox.type).toBe("os");
    expect(loaded.origins["sandbox.type"]).toEqual({ kind: "default" });
    expect(loaded.config.security.extra_allowed_commands).toEqual([]);
    expect(loaded.files).toEqual([projectFile, userFile]);
    expect(loaded.warnings).toEqual([
      expect.stringMatching(
        /^baton\.yaml: database\.url ignored: a baton\.yaml may not set it; a baton\.yaml may only make Baton stricter \(sandbox\.type, .*\) because sessions can write it; set database\.url in ~\/\.baton\/config\.yaml, the environment, a flag or the project's settings$/,
      ),
      expect.stringMatching(/^baton\.yaml: models\.coding ignored: a baton\.yaml may not set it;/),
      expect.stringMatching(/^baton\.yaml: sandbox\.type ignored: "none" would not be stricter than "os"/),
      "baton.yaml: security.extra_allowed_commands: nc left out: not granted elsewhere",
    ]);
  });

  it("lets baton.yaml tighten: the sandbox on, allowlist mode, more blocked commands, fewer domains, lower limits", () => {
    const w = makeWorld();
    const projectFile = w.write(
      "project/baton.yaml",
      [
        "sandbox:",
        "  type: os",
        "  allowed_domains: [registry.npmjs.org, evil.example.com]",
        "security:",
        "  mode: allowlist",
        "  extra_blocked_commands: [terraform]",
        "project:",
        "  budget_usd: 5",
        "  max_iterations: 50",
        "",
      ].join("\n"),
    );
    const loaded = loadConfig({
      cwd: w.cwd,
      env: {
        ...w.env,
        BATON_SANDBOX_TYPE: "none",
        BATON_SECURITY_EXTRA_BLOCKED_COMMANDS: "helm",
        BATON_PROJECT_BUDGET_USD: "20",
        BATON_PROJECT_MAX_ITERATIONS: "10",
      },
    });
    expect(loaded.config.sandbox.type).toBe("os");
    expect(loaded.origins["sandbox.type"]).toEqual({ kind: "file", path: projectFile });
    expect(loaded.config.sandbox.allowed_domains).toEqual(["registry.npmjs.org"]);
    expect(loaded.config.security.mode).toBe("allowlist");
    expect(loaded.config.security.extra_blocked_commands).toEqual(["helm", "terraform"]);
    expect(loaded.config.project.budget_usd).toBe(5);
    // A higher limit than the environment's is not taken.
    expect(loaded.config.project.max_iterations).toBe(10);
    expect(loaded.origins["project.max_iterations"]).toEqual({
      kind: "env",
      name: "BATON_PROJECT_MAX_ITERATIONS",
    });
    expect(loaded.warnings).toEqual([
      "baton.yaml: sandbox.allowed_domains: evil.example.com left out: not granted elsewhere",
      expect.stringMatching(/^baton\.yaml: project\.max_iterations ignored: 50 is above 10;/),
    ]);
  });

  it("looks for baton.yaml in projectDir when one is given", () => {
    const w = makeWorld();
    const projectFile = w.write("other/baton.yaml", "project:\n  max_iterations: 3\n");
    w.write("project/baton.yaml", "project:\n  max_iterations: 7\n");
    const loaded = loadConfig({ cwd: w.cwd, env: w.env, projectDir: "../other" });
    expect(loaded.config.project.max_iterations).toBe(3);
    expect(loaded.files).toEqual([projectFile]);
  });

  it("takes an environment variable over the user file", () => {
    const w = makeWorld();
    w.write("baton-home/config.yaml", userYaml);
    const loaded = loadConfig({ cwd: w.cwd, env: { ...w.env, DATABASE_URL: "sqlite:/from/env.db" } });
    expect(loaded.config.database.url).toBe("sqlite:/from/env.db");
    expect(loaded.origins["database.url"]).toEqual({ kind: "env", name: "DATABASE_URL" });
  });

  it("takes a flag over the environment variable", () => {
    const w = makeWorld();
    w.write("baton-home/config.yaml", userYaml);
    const loaded = loadConfig({
      cwd: w.cwd,
      env: { ...w.env, DATABASE_URL: "sqlite:/from/env.db" },
      flags: { "database.url": "postgres://baton@db.internal/baton" },
      flagNames: { "database.url": "--database-url" },
    });
    expect(loaded.config.database.url).toBe("postgres://baton@db.internal/baton");
    expect(loaded.origins["database.url"]).toEqual({ kind: "flag", name: "--database-url" });
  });

  it("ignores a flag whose value is undefined (not given)", () => {
    const w = makeWorld();
    const loaded = loadConfig({
      cwd: w.cwd,
      env: { ...w.env, DATABASE_URL: "sqlite:/from/env.db" },
      flags: { "database.url": undefined },
    });
    expect(loaded.origins["database.url"]).toEqual({ kind: "env", name: "DATABASE_URL" });
  });

  it("names a flag --section-key when no flag name is given", () => {
    const w = makeWorld();
    const loaded = loadConfig({ cwd: w.cwd, env: w.env, flags: { "server.port": "9000" } });
    expect(loaded.config.server.port).toBe(9000);
    expect(loaded.origins["server.port"]).toEqual({ kind: "flag", name: "--server-port" });
  });
});

describe("loadConfig: --config FILE", () => {
  it("reads only FILE, neither baton.yaml nor the user file", () => {
    const w = makeWorld();
    w.write("baton-home/config.yaml", "models:\n  coding: user-model\n");
    w.write("project/baton.yaml", "sandbox:\n  type: docker\n");
    const only = w.write("custom/only.yaml", "models:\n  initializer: custom-model\n");

    const loaded = loadConfig({ cwd: w.cwd, env: w.env, configFile: "../custom/only.yaml" });
    expect(loaded.config.models).toEqual({ initializer: "custom-model", coding: "sonnet", review: "sonnet" });
    expect(loaded.origins["models.initializer"]).toEqual({ kind: "file", path: only });
    expect(loaded.config.sandbox.type).toBe("os");
    expect(loaded.files).toEqual([only]);
  });

  it("fails naming the file when FILE does not exist", () => {
    const w = makeWorld();
    const run = () => loadConfig({ cwd: w.cwd, env: w.env, configFile: "missing.yaml" });
    expect(run).toThrow("cannot read config file missing.yaml: no such file");
    try {
      run();
    } catch (error) {
      expect(isBatonError(error, "BATON_CONFIG_FILE_UNREADABLE")).toBe(true);
    }
  });

  it("fails when FILE is a directory", () => {
    const w = makeWorld();
    expect(() => loadConfig({ cwd: w.cwd, env: w.env, configFile: w.home })).toThrow(
      `cannot read config file ${w.home}: it is a directory`,
    );
  });
});

describe("loadConfig: environment values are coerced by the key's type", () => {
  it("parses numbers", () => {
    const w = makeWorld();
    const loaded = loadConfig({
      cwd: w.cwd,
      env: { ...w.env, BATON_TIMING_AUTO_CONTINUE_DELAY_S: "0.5", BATON_SERVER_PORT: " 9100 " },
    });
    expect(loaded.config.timing.auto_continue_delay_s).toBe(0.5);
    expect(loaded.config.server.port).toBe(9100);
    expect(loaded.origins["timing.auto_continue_delay_s"]).toEqual({
      kind: "env",
      name: "BATON_TIMING_AUTO_CONTINUE_DELAY_S",
    });
  });

  it("splits lists on commas, trimming items and dropping empty ones", () => {
    const w = makeWorld();
    const loaded = loadConfig({
      cwd: w.cwd,
      env: { ...w.env, BATON_SECURITY_EXTRA_BLOCKED_COMMANDS: " rm -rf ,, shutdown ," },
    });
    expect(loaded.config.security.extra_blocked_commands).toEqual(["rm -rf", "shutdown"]);
  });

  it("reads the literal null as null for a key that allows null", () => {
    const w = makeWorld();
    w.write("baton-home/config.yaml", "project:\n  max_iterations: 10\ndatabase:\n  url: sqlite:x.db\n");
    const loaded = loadConfig({
      cwd: w.cwd,
      env: { ...w.env, BATON_PROJECT_MAX_ITERATIONS: "null", DATABASE_URL: "null" },
    });
    expect(loaded.config.project.max_iterations).toBeNull();
    expect(loaded.origins["project.max_iterations"]).toEqual({
      kind: "env",
      name: "BATON_PROJECT_MAX_ITERATIONS",
    });
    expect(loaded.config.database.url).toBeNull();
  });

  it("treats an empty variable as unset", () => {
    const w = makeWorld();
    w.write("baton-home/config.yaml", "server:\n  port: 8111\n");
    const loaded = loadConfig({ cwd: w.cwd, env: { ...w.env, BATON_SERVER_PORT: "", DATABASE_URL: "" } });
    expect(loaded.config.server.port).toBe(8111);
    expect(loaded.origins["server.port"].kind).toBe("file");
    expect(loaded.origins["database.url"]).toEqual({ kind: "default" });
  });
});

describe("loadConfig: merging", () => {
  it("merges leaf by leaf, so a file setting one key keeps the other defaults of its section", () => {
    const w = makeWorld();
    w.write("baton-home/config.yaml", "models:\n  coding: haiku\n");
    const loaded = loadConfig({ cwd: w.cwd, env: w.env });
    expect(loaded.config.models).toEqual({ initializer: "opus", coding: "haiku", review: "sonnet" });
    expect(loaded.origins["models.initializer"]).toEqual({ kind: "default" });
  });

  it("replaces a list from a lower layer instead of concatenating it", () => {
    const w = makeWorld();
    w.write("baton-home/config.yaml", "security:\n  extra_blocked_commands: [a, b]\n");
    const loaded = loadConfig({ cwd: w.cwd, env: { ...w.env, BATON_SECURITY_EXTRA_BLOCKED_COMMANDS: "c" } });
    expect(loaded.config.security.extra_blocked_commands).toEqual(["c"]);
  });

  it("accepts empty files, comment-only files and empty sections", () => {
    const w = makeWorld();
    w.write("baton-home/config.yaml", "");
    w.write("project/baton.yaml", "# nothing yet\nmodels:\n  # coding: haiku\n");
    const loaded = loadConfig({ cwd: w.cwd, env: w.env });
    expect(loaded.config).toEqual(Config.parse({}));
    expect(loaded.files).toHaveLength(2);
  });
});
