import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  exampleVariables,
  formatEnvValue,
  MASKED_VALUE,
  overlayEnv,
  parseEnvText,
  updateEnvText,
} from "../../src/projects/env-file.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { type TestServer, testServer } from "../helpers/server.ts";

const EXAMPLE = `# Example environment for the app

# The database to use
# (PostgreSQL in production)
DATABASE_URL=postgres://localhost:5432/app
# required
SESSION_SECRET=change-me
# The Stripe key
STRIPE_KEY=
# Sentry, if you use it
# optional
SENTRY_DSN=
PORT=3000 # required: the port to listen on
export LOG_LEVEL="info"
`;

describe(".env files", () => {
  it("reads each variable's comment block (the comment lines just above it) and whether it is required", () => {
    expect(exampleVariables(EXAMPLE)).toEqual([
      { name: "DATABASE_URL", comment: "The database to use\n(PostgreSQL in production)", required: false },
      { name: "SESSION_SECRET", comment: "required", required: true },
      { name: "STRIPE_KEY", comment: "The Stripe key", required: true },
      { name: "SENTRY_DSN", comment: "Sentry, if you use it\noptional", required: false },
      { name: "PORT", comment: null, required: true },
      { name: "LOG_LEVEL", comment: null, required: false },
    ]);
  });

  it("reads bare, quoted and commented values the way dotenv does", () => {
    const values = parseEnvText(
      [
        "A=plain",
        "B = spaced  # a comment",
        "C='single # not a comment'",
        'D="double \\"quoted\\" \\\\ and\\nnewline" # comment',
        "E=",
        "export F=exported",
        "G=has#hash",
        "not a variable line",
      ].join("\n"),
    ).flatMap((l) => (l.kind === "assignment" ? [[l.name, l.value]] : [[l.kind, l.raw]]));
    expect(values).toEqual([
      ["A", "plain"],
      ["B", "spaced"],
      ["C", "single # not a comment"],
      ["D", 'double "quoted" \\ and\nnewline'],
      ["E", ""],
      ["F", "exported"],
      ["G", "has#hash"],
      ["other", "not a variable line"],
    ]);
  });

  it("writes a value bare when it can, else quoted so that it reads back the same", () => {
    for (const value of [
      "plain",
      "",
      "with space",
      "it's",
      `both ' and "`,
      "a#b",
      " padded ",
      "back\\slash",
    ]) {
      const text = `X=${formatEnvValue(value)}\n`;
      const [line] = parseEnvText(text);
      expect(line?.kind === "assignment" && line.value, text).toBe(value);
    }
    expect(formatEnvValue("postgres://u:p@h:5432/db")).toBe("postgres://u:p@h:5432/db");
    expect(formatEnvValue("two words")).toBe("'two words'");
  });

  it("overlays .env on .env.example, masking values unless revealed", () => {
    const env = "STRIPE_KEY=sk_live_123\nSENTRY_DSN=\nEXTRA=1\n";
    const masked = overlayEnv(EXAMPLE, env, { reveal: false });
    expect(masked.map((v) => [v.name, v.value, v.set, v.in_example])).toEqual([
      ["DATABASE_URL", null, false, true],
      ["SESSION_SECRET", null, false, true],
      ["STRIPE_KEY", MASKED_VALUE, true, true],
      ["SENTRY_DSN", "", true, true],
      ["PORT", null, false, true],
      ["LOG_LEVEL", null, false, true],
      ["EXTRA", MASKED_VALUE, true, false],
    ]);
    const revealed = overlayEnv(EXAMPLE, env, { reveal: true });
    expect(revealed.find((v) => v.name === "STRIPE_KEY")?.value).toBe("sk_live_123");
    expect(revealed.find((v) => v.name === "EXTRA")).toMatchObject({ required: false, comment: null });
  });

  it("rewrites .env in place: comments, order and other lines kept, new names at the end, null removes", () => {
    const before = "# keys\nexport A=1\n\n# the port\nPORT=3000\nweird line\nB=2\nA=again\n";
    expect(updateEnvText(before, { A: "one two", PORT: null, C: "3" })).toBe(
      "# keys\nexport A='one two'\n\n# the port\nweird line\nB=2\nA='one two'\nC=3\n",
    );
    expect(updateEnvText("", { A: "1" })).toBe("A=1\n");
    expect(updateEnvText("A=1", { A: null })).toBe("");
  });
});

describeEachDatabase("API environment and settings", (db) => {
  async function withProject(): Promise<TestServer & { id: number; dir: string }> {
    const s = await testServer(db());
    const dir = join(s.world.root, "generations", "app");
    mkdirSync(dir, { recursive: true });
    const project = await s.deps.stores.projects.create({ name: "app", directory: dir });
    return { ...s, id: project.id, dir };
  }

  it("shows .env.example's variables overlaid with .env, masked unless reveal=true", async () => {
    const s = await withProject();
    writeFileSync(join(s.dir, ".env.example"), EXAMPLE);
    writeFileSync(join(s.dir, ".env"), "STRIPE_KEY=sk_test_1\nOWN=mine\n");
    const res = await s.app.inject({ url: `/api/projects/${s.id}/env` });
    expect(res.statusCode).toBe(200);
    expect(res.json().files).toEqual({ example: true, env: true });
    expect(res.json().variables[2]).toEqual({
      name: "STRIPE_KEY",
      value: MASKED_VALUE,
      comment: "The Stripe key",
      required: true,
      set: true,
      in_example: true,
    });
    expect(JSON.stringify(res.json())).not.toContain("sk_test_1");
    const revealed = await s.app.inject({ url: `/api/projects/${s.id}/env?reveal=true` });
    expect(
      revealed.json().variables.map((v: { name: string; value: string | null }) => [v.name, v.value]),
    ).toEqual([
      ["DATABASE_URL", null],
      ["SESSION_SECRET", null],
      ["STRIPE_KEY", "sk_test_1"],
      ["SENTRY_DSN", null],
      ["PORT", null],
      ["LOG_LEVEL", null],
      ["OWN", "mine"],
    ]);
    const bad = await s.app.inject({ url: `/api/projects/${s.id}/env?reveal=please` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe("BATON_VALIDATION");
  });

  it("answers a project without env files with no variables", async () => {
    const s = await withProject();
    const res = await s.app.inject({ url: `/api/projects/${s.id}/env` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ variables: [], files: { example: false, env: false } });
  });

  it("writes .env atomically, keeping its comments and order and adding new names at the end", async () => {
    const s = await withProject();
    writeFileSync(join(s.dir, ".env.example"), EXAMPLE);
    writeFileSync(join(s.dir, ".env"), "# mine\nPORT=3000\n\n# the key\nSTRIPE_KEY=old\nGONE=x\n");
    const res = await s.app.inject({
      method: "PUT",
      url: `/api/projects/${s.id}/env`,
      payload: { values: { STRIPE_KEY: "sk live", SESSION_SECRET: "s3cret", GONE: null } },
    });
    expect(res.statusCode).toBe(200);
    expect(readFileSync(join(s.dir, ".env"), "utf8")).toBe(
      "# mine\nPORT=3000\n\n# the key\nSTRIPE_KEY='sk live'\nSESSION_SECRET=s3cret\n",
    );
    expect(statSync(join(s.dir, ".env")).mode & 0o777).toBe(0o600);
    expect(readdirSync(s.dir).sort()).toEqual([".env", ".env.example"]);
    const secret = res.json().variables.find((v: { name: string }) => v.name === "SESSION_SECRET");
    expect(secret).toEqual({
      name: "SESSION_SECRET",
      value: MASKED_VALUE,
      comment: "required",
      required: true,
      set: true,
      in_example: true,
    });
    expect(res.json().variables.map((v: { name: string }) => v.name)).not.toContain("GONE");
  });

  it("refuses bad names, multi-line values and the mask itself with 400, and leaves .env as it was", async () => {
    const s = await withProject();
    writeFileSync(join(s.dir, ".env"), "A=1\n");
    const put = (payload: Record<string, unknown>) =>
      s.app.inject({ method: "PUT", url: `/api/projects/${s.id}/env`, payload });
    for (const payload of [
      { values: { "1ABC": "x" } },
      { values: { "A-B": "x" } },
      { values: { A: "two\nlines" } },
      { values: { A: "carriage\rreturn" } },
      { values: { A: MASKED_VALUE } },
      { values: { A: 5 } },
      { values: "A=1" },
      { A: "1" },
    ]) {
      const res = await put(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().code).toBe("BATON_VALIDATION");
    }
    expect(readFileSync(join(s.dir, ".env"), "utf8")).toBe("A=1\n");
    const mask = await put({ values: { A: MASKED_VALUE } });
    expect(mask.json().message).toMatch(/the mask/);
  });

  it("refuses (409) a missing project directory, and env files that lead out of the project", async () => {
    const s = await withProject();
    const outside = s.world.write("secrets/id_rsa", "KEY=private\n");
    symlinkSync(outside, join(s.dir, ".env"));
    const read = await s.app.inject({ url: `/api/projects/${s.id}/env?reveal=true` });
    expect(read.statusCode).toBe(409);
    expect(read.json()).toMatchObject({ code: "BATON_PROJECT_FILE_UNSAFE", data: { file: ".env" } });
    expect(JSON.stringify(read.json())).not.toContain("private");
    rmSync(join(s.dir, ".env"));
    mkdirSync(join(s.dir, ".env.example"));
    const notFile = await s.app.inject({ url: `/api/projects/${s.id}/env` });
    expect(notFile.statusCode).toBe(409);
    expect(notFile.json()).toMatchObject({
      code: "BATON_PROJECT_FILE_UNSAFE",
      data: { file: ".env.example" },
    });

    rmSync(s.dir, { recursive: true });
    const get = await s.app.inject({ url: `/api/projects/${s.id}/env` });
    expect(get.statusCode).toBe(409);
    expect(get.json().code).toBe("BATON_PROJECT_DIRECTORY_MISSING");
    const put = await s.app.inject({
      method: "PUT",
      url: `/api/projects/${s.id}/env`,
      payload: { values: { A: "1" } },
    });
    expect(put.statusCode).toBe(409);
    expect(put.json().code).toBe("BATON_PROJECT_DIRECTORY_MISSING");
  });

  it("answers env and settings of an unknown project with 404, a bad id with 400", async () => {
    const s = await testServer(db());
    for (const url of ["/api/projects/77/env", "/api/projects/77/settings"]) {
      const res = await s.app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().code).toBe("BATON_PROJECT_NOT_FOUND");
    }
    const put = await s.app.inject({ method: "PUT", url: "/api/projects/77/env", payload: { values: {} } });
    expect(put.statusCode).toBe(404);
    expect(put.json().code).toBe("BATON_PROJECT_NOT_FOUND");
    const bad = await s.app.inject({ url: "/api/projects/seven/settings" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe("BATON_VALIDATION");
  });

  it("shows and replaces the run settings and budget, with the config's defaults", async () => {
    const s = await withProject();
    await s.deps.stores.projects.update(s.id, {
      settings: { coding_model: "haiku", other: 1 },
      budget_usd: 5,
    });
    const get = await s.app.inject({ url: `/api/projects/${s.id}/settings` });
    expect(get.statusCode).toBe(200);
    expect(get.json()).toEqual({
      initializer_model: null,
      coding_model: "haiku",
      sandbox: null,
      max_sessions: null,
      budget_usd: 5,
      defaults: { initializer_model: "opus", coding_model: "sonnet", sandbox: "os", max_sessions: null },
    });
    const put = await s.app.inject({
      method: "PUT",
      url: `/api/projects/${s.id}/settings`,
      payload: { initializer_model: "opus-4", sandbox: "none", max_sessions: 7 },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({
      initializer_model: "opus-4",
      coding_model: null,
      sandbox: "none",
      max_sessions: 7,
      budget_usd: null,
    });
    const project = await s.deps.stores.projects.get(s.id);
    expect(project.settings).toEqual({
      other: 1,
      initializer_model: "opus-4",
      sandbox: "none",
      max_sessions: 7,
    });
    expect(project.budget_usd).toBeNull();
  });

  it("refuses bad settings with 400 and changes nothing", async () => {
    const s = await withProject();
    await s.deps.stores.projects.update(s.id, { budget_usd: 5 });
    for (const payload of [
      { sandbox: "vm" },
      { budget_usd: -2 },
      { budget_usd: "5" },
      { coding_model: "" },
      { model: "opus" },
      { max_sessions: 0 },
      { max_sessions: 2.5 },
      // Model names that could be read as Claude Code's options, or that are absurdly long.
      { coding_model: "--dangerously-skip-permissions" },
      { initializer_model: "sonnet --permission-mode bypassPermissions" },
      { coding_model: "x".repeat(200_000) },
    ]) {
      const res = await s.app.inject({ method: "PUT", url: `/api/projects/${s.id}/settings`, payload });
      expect(res.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400);
      expect(res.json().code).toBe("BATON_VALIDATION");
      if (Object.keys(payload).some((k) => k.endsWith("model")) && JSON.stringify(payload).length > 30) {
        expect(res.json().message).toMatch(
          /_model: a model name is a model alias \(opus, sonnet, haiku\) or a model id/,
        );
      }
    }
    expect((await s.deps.stores.projects.get(s.id)).budget_usd).toBe(5);
    expect((await s.deps.stores.projects.get(s.id)).settings).toEqual({});
    // Aliases and real model ids are fine.
    for (const coding_model of [
      "haiku",
      "claude-sonnet-4-5",
      "us.anthropic.claude-opus-4-1-20250805-v1:0",
      "sonnet[1m]",
    ]) {
      const ok = await s.app.inject({
        method: "PUT",
        url: `/api/projects/${s.id}/settings`,
        payload: { coding_model },
      });
      expect(ok.statusCode, coding_model).toBe(200);
    }
  });
});
