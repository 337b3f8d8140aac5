import { describe, expect, it } from "vitest";
import { baton } from "../helpers/cli.ts";
import { makeWorld } from "../helpers/world.ts";

/** The `baton config` line of one key, split into its columns. */
function row(out: string, key: string): string[] {
  const line = out.split("\n").find((l) => l.startsWith(`${key} `));
  if (line === undefined) throw new Error(`no line for ${key} in:\n${out}`);
  return line.split(/\s{2,}/);
}

describe("baton config", () => {
  it("prints every key with its value and origin, and the files read and the Baton home", async () => {
    const w = makeWorld();
    w.write("project/baton.yaml", "security:\n  mode: allowlist\n");
    w.write("baton-home/config.yaml", "server:\n  port: 9001\nmodels:\n  coding: haiku\n");
    const { code, out, err } = await baton(["config"], {
      cwd: w.cwd,
      env: { ...w.env, BATON_TIMING_AUTO_CONTINUE_DELAY_S: "10" },
    });

    expect(err).toBe("");
    expect(code).toBe(0);
    expect(row(out, "models.coding")).toEqual(["models.coding", "haiku", `${w.home}/config.yaml`]);
    expect(row(out, "security.mode")).toEqual(["security.mode", "allowlist", "baton.yaml"]);
    expect(row(out, "models.review")).toEqual(["models.review", "sonnet", "default"]);
    expect(row(out, "server.port")).toEqual(["server.port", "9001", `${w.home}/config.yaml`]);
    expect(row(out, "timing.auto_continue_delay_s")).toEqual([
      "timing.auto_continue_delay_s",
      "10",
      "env BATON_TIMING_AUTO_CONTINUE_DELAY_S",
    ]);
    expect(row(out, "database.url")).toEqual(["database.url", `(embedded SQLite in ${w.home})`, "default"]);
    expect(out).toContain(`files read: baton.yaml, ${w.home}/config.yaml\n`);
    expect(out).toContain(`baton home: ${w.home}\n`);
  });

  it("aligns the value and origin columns", async () => {
    const w = makeWorld();
    const { out } = await baton(["config"], { cwd: w.cwd, env: w.env });
    const lines = out.split("\n").filter((l) => l.endsWith(" default"));
    expect(lines.length).toBeGreaterThan(10);
    expect(new Set(lines.map((l) => l.lastIndexOf(" default"))).size).toBe(1);
  });

  it("masks the password of a postgres URL and names the flag that set it", async () => {
    const w = makeWorld();
    const { code, out } = await baton(
      ["--database-url", "postgres://baton:hunter2@db.internal:5432/baton", "config"],
      {
        cwd: w.cwd,
        env: { ...w.env, DATABASE_URL: "postgres://other:secret@elsewhere/db" },
      },
    );
    expect(code).toBe(0);
    expect(row(out, "database.url")).toEqual([
      "database.url",
      "postgres://baton:****@db.internal:5432/baton",
      "flag --database-url",
    ]);
    expect(out).not.toContain("hunter2");
  });

  it("shows env DATABASE_URL as the origin of a URL from the environment", async () => {
    const w = makeWorld();
    const { out } = await baton(["config"], {
      cwd: w.cwd,
      env: { ...w.env, DATABASE_URL: "postgresql://u:pw@localhost/baton" },
    });
    expect(row(out, "database.url")).toEqual([
      "database.url",
      "postgresql://u:****@localhost/baton",
      "env DATABASE_URL",
    ]);
  });

  it("reads only the file given with --config", async () => {
    const w = makeWorld();
    w.write("project/baton.yaml", "security:\n  mode: allowlist\n");
    w.write("project/other.yaml", "models:\n  review: opus\n");
    const { out } = await baton(["--config", "other.yaml", "config"], { cwd: w.cwd, env: w.env });
    expect(row(out, "models.review")).toEqual(["models.review", "opus", "other.yaml"]);
    expect(row(out, "security.mode")).toEqual(["security.mode", "blocklist", "default"]);
    expect(out).toContain("files read: other.yaml\n");
  });

  it("prints parseable JSON with --json, password masked", async () => {
    const w = makeWorld();
    const projectFile = w.write("project/baton.yaml", "security:\n  extra_blocked_commands: [shutdown]\n");
    const { code, out } = await baton(["config", "--json"], {
      cwd: w.cwd,
      env: { ...w.env, DATABASE_URL: "postgres://baton:hunter2@db/baton" },
    });
    expect(code).toBe(0);
    const parsed = JSON.parse(out);
    expect(parsed.config.security.extra_blocked_commands).toEqual(["shutdown"]);
    expect(parsed.config.database.url).toBe("postgres://baton:****@db/baton");
    expect(parsed.origins["database.url"]).toEqual({ kind: "env", name: "DATABASE_URL" });
    expect(parsed.origins["security.extra_blocked_commands"]).toEqual({ kind: "file", path: projectFile });
    expect(parsed.files).toEqual([projectFile]);
    expect(parsed.home).toBe(w.home);
    expect(parsed.warnings).toEqual([]);
    expect(out).not.toContain("hunter2");
  });

  it("warns on stderr, once, about what a baton.yaml may not set, and lists it with --json", async () => {
    const w = makeWorld();
    w.write("project/baton.yaml", "sandbox:\n  type: none\n");
    const text = await baton(["config"], { cwd: w.cwd, env: w.env });
    expect(text.code).toBe(0);
    expect(row(text.out, "sandbox.type")).toEqual(["sandbox.type", "os", "default"]);
    expect(text.err).toMatch(
      /^baton: warning: baton\.yaml: sandbox\.type ignored: "none" would not be stricter than "os" \(none < os, docker\); a baton\.yaml may only make Baton stricter .*\n$/,
    );
    const json = await baton(["config", "--json"], { cwd: w.cwd, env: w.env });
    expect(JSON.parse(json.out).warnings).toEqual([expect.stringContaining("sandbox.type ignored")]);
  });

  it("exits with code 2 and a one-line message when the config is invalid", async () => {
    const w = makeWorld();
    w.write("project/baton.yaml", "timing:\n  auto_continue_delay_s: soon\n");
    const { code, out, err } = await baton(["config"], { cwd: w.cwd, env: w.env });
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toBe('baton: baton.yaml: timing.auto_continue_delay_s: expected a number ≥ 0, got "soon"\n');
  });

  it("exits with code 2 naming the file when --config names a missing file", async () => {
    const w = makeWorld();
    const { code, err } = await baton(["--config", "nope.yaml", "config"], { cwd: w.cwd, env: w.env });
    expect(code).toBe(2);
    expect(err).toBe("baton: cannot read config file nope.yaml: no such file\n");
  });
});
