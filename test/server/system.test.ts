import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { SignJWT } from "jose";
import { expect, it } from "vitest";
import { loadSecretKey, SECRET_KEY_FILE } from "../../src/server/auth.ts";
import { baton } from "../helpers/cli.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { newProject } from "../helpers/projects.ts";
import { testServer } from "../helpers/server.ts";
import { makeWorld } from "../helpers/world.ts";

describeEachDatabase("API basics", (db) => {
  it("answers health with the database's state, and info with what the server runs with", async () => {
    const { app, world } = await testServer(db());
    const health = await app.inject({ url: "/api/health" });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: "ok", database: { dialect: db().dialect, ok: true } });
    const info = await app.inject({ url: "/api/info" });
    expect(info.statusCode).toBe(200);
    expect(info.json()).toMatchObject({
      models: { initializer: "opus", coding: "sonnet" },
      dirs: { home: world.home, generations: join(world.root, "generations") },
      auth: "none",
      credentials: { kind: null },
      sandbox: { type: "os", available: true },
    });
    expect(info.json().credentials.problem).toMatch(/no Claude credentials/);
  });

  it("is ready while it takes runs, and not once it is shutting down (no run starts then)", async () => {
    const { app, deps } = await testServer(db());
    const ready = await app.inject({ url: "/api/ready" });
    expect([ready.statusCode, ready.json()]).toEqual([
      200,
      { ready: true, checks: { database: { ok: true }, accepting_runs: true } },
    ]);
    const { project } = await newProject(db().stores, { name: "shutdown" });
    deps.orchestrator.stopAll("SIGTERM");
    const draining = await app.inject({ url: "/api/ready" });
    expect([draining.statusCode, draining.json()]).toEqual([
      503,
      { ready: false, checks: { database: { ok: true }, accepting_runs: false } },
    ]);
    // Liveness is not readiness: the process is still up.
    expect((await app.inject({ url: "/api/health" })).statusCode).toBe(200);
    const start = await app.inject({ method: "POST", url: `/api/projects/${project.id}/initialize` });
    expect(start.statusCode).toBe(503);
    expect(start.json()).toMatchObject({
      code: "BATON_SHUTTING_DOWN",
      data: { worker_id: expect.any(String) },
    });
  });

  it("shows its capacity: this process with its limit, no queue, no session running", async () => {
    const { app } = await testServer(db());
    const capacity = await app.inject({ url: "/api/capacity" });
    expect(capacity.statusCode).toBe(200);
    expect(capacity.json()).toEqual({
      queue: false,
      per_worker: 3,
      max_sessions: null,
      running: [],
      queued: [],
      workers: [{ id: expect.stringMatching(/^test/), concurrency: 3, active: 0, heartbeat_at: null }],
    });
  });

  it("says which credentials sessions use, and warns when an API key beats a subscription token", async () => {
    const { app } = await testServer(db(), {
      env: { ANTHROPIC_API_KEY: "sk-ant-test", CLAUDE_CODE_OAUTH_TOKEN: "oauth-test" },
    });
    const { credentials } = (await app.inject({ url: "/api/info" })).json();
    expect(credentials).toMatchObject({
      kind: "api_key",
      label: "API key (ANTHROPIC_API_KEY)",
      problem: null,
    });
    expect(credentials.warnings).toEqual([expect.stringMatching(/CLAUDE_CODE_OAUTH_TOKEN/)]);
    const subscription = await testServer(db(), { env: { CLAUDE_CODE_OAUTH_TOKEN: "oauth-test" } });
    expect((await subscription.app.inject({ url: "/api/info" })).json().credentials).toMatchObject({
      kind: "oauth_token",
      warnings: [],
    });
  });

  it("answers every mistake as { code, message } with a 4xx", async () => {
    const { app } = await testServer(db());
    const missing = await app.inject({ url: "/api/nothing-here" });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({
      code: "BATON_NOT_FOUND",
      message: "no route GET /api/nothing-here",
      data: { method: "GET", path: "/api/nothing-here" },
    });
    const badJson = await app.inject({
      method: "POST",
      url: "/api/auth/login",
      headers: { "content-type": "application/json" },
      payload: "{not json",
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().code).toBe("BATON_VALIDATION");
    const badBody = await app.inject({ method: "POST", url: "/api/auth/login", payload: { password: 42 } });
    expect(badBody.statusCode).toBe(400);
    expect(badBody.json()).toMatchObject({ code: "BATON_VALIDATION" });
    expect(badBody.json().message).toMatch(/password/);
  });

  it("serves the OpenAPI document and the docs page", async () => {
    const { app } = await testServer(db());
    const doc = await app.inject({ url: "/api/openapi.json" });
    expect(doc.statusCode).toBe(200);
    expect(doc.json()).toMatchObject({
      openapi: expect.stringMatching(/^3\./),
      info: { title: "Baton API" },
    });
    expect(Object.keys(doc.json().paths)).toEqual(expect.arrayContaining(["/api/health", "/api/auth/login"]));
    const page = await app.inject({ url: "/api/docs/" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toMatch(/text\/html/);
  });
});

describeEachDatabase("API auth", (db) => {
  it("gives a token for the right password only, and requires it on every route but health and login", async () => {
    const { app, headers, deps } = await testServer(db(), { password: "correct horse" });
    expect(headers.authorization).toMatch(/^Bearer ey/);
    const wrong = await app.inject({ method: "POST", url: "/api/auth/login", payload: { password: "nope" } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ code: "BATON_LOGIN_FAILED", message: "wrong password" });
    const right = await app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { password: "correct horse" },
    });
    expect(right.json()).toMatchObject({ token_type: "bearer", expires_in: 12 * 3600 });

    expect((await app.inject({ url: "/api/health" })).statusCode).toBe(200);
    const anonymous = await app.inject({ url: "/api/info" });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().code).toBe("BATON_UNAUTHORIZED");
    expect((await app.inject({ url: "/api/info", headers })).statusCode).toBe(200);
    expect((await app.inject({ url: "/api/auth/verify", headers })).json()).toEqual({
      ok: true,
      auth: "password",
    });

    // A token signed with another key, or expired, is refused.
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("baton-ui")
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode("x".repeat(64)));
    const refused = await app.inject({ url: "/api/info", headers: { authorization: `Bearer ${forged}` } });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().message).toMatch(/invalid or has expired/);

    // Signed with the server's own key, but without an expiry, or expired: refused too.
    const key = loadSecretKey(null, deps.home);
    const now = Math.floor(Date.now() / 1000);
    const unsigned = new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("baton-ui");
    const forever = await unsigned.setIssuedAt(now).sign(key);
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("baton-ui")
      .setIssuedAt(now - 7200)
      .setExpirationTime(now - 3600)
      .sign(key);
    const fresh = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("baton-ui")
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(key);
    for (const token of [forever, expired]) {
      const r = await app.inject({ url: "/api/info", headers: { authorization: `Bearer ${token}` } });
      expect(r.statusCode).toBe(401);
    }
    // The same key with an expiry is accepted: the refusals above are the missing or past expiry.
    expect(
      (await app.inject({ url: "/api/info", headers: { authorization: `Bearer ${fresh}` } })).statusCode,
    ).toBe(200);
  });

  it("walks every route of the OpenAPI document without a token: 401 on all but health and login", async () => {
    const { app, headers } = await testServer(db(), { password: "pw" });
    const doc = (await app.inject({ url: "/api/openapi.json" })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const open = new Set(["GET /api/health", "GET /api/ready", "POST /api/auth/login"]);
    let walked = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const method of Object.keys(methods)) {
        const url = path.replace(/\{[^}]+\}/g, "1");
        const route = `${method.toUpperCase()} ${path}`;
        const response = await app.inject({ method: method.toUpperCase() as "GET", url });
        walked++;
        if (open.has(route)) expect(response.statusCode, route).not.toBe(401);
        else expect([route, response.statusCode]).toEqual([route, 401]);
      }
    }
    expect(walked).toBeGreaterThanOrEqual(4);
    // With the token the same routes get past auth.
    expect((await app.inject({ url: "/api/info", headers })).statusCode).toBe(200);
  });

  it("limits login attempts per address", async () => {
    const { app } = await testServer(db(), {
      password: "pw",
      config: { auth: { login_attempts_per_minute: 3 } },
    });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      codes.push(
        (await app.inject({ method: "POST", url: "/api/auth/login", payload: { password: "guess" } }))
          .statusCode,
      );
    }
    // testServer's own login was the first of the three allowed.
    expect(codes).toEqual([401, 401, 429, 429, 429]);
    const limited = await app.inject({ method: "POST", url: "/api/auth/login", payload: { password: "pw" } });
    expect(limited.json()).toMatchObject({ code: "BATON_TOO_MANY_REQUESTS" });
    expect(limited.json().message).toMatch(/try again in \d+ s/);
  });
});

it("keeps a generated signing key in the Baton home, readable by its owner only, and reuses it", () => {
  const w = makeWorld();
  const key = loadSecretKey(null, w.home);
  const file = join(w.home, SECRET_KEY_FILE);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(readFileSync(file, "utf8")).toMatch(/^[0-9a-f]{64}$/);
  expect(loadSecretKey(null, w.home)).toEqual(key);
  expect(() => loadSecretKey("short", w.home)).toThrow(/at least 32/);
});

it("refuses to listen beyond this machine without a password unless --insecure", async () => {
  const w = makeWorld();
  const { code, err } = await baton(["serve", "--host", "0.0.0.0", "--port", "8123"], {
    cwd: w.cwd,
    env: w.env,
  });
  expect(code).toBe(2);
  expect(err).toMatch(/no password is set, so listening on 0.0.0.0 would let anyone .* set UI_PASSWORD/);
});
