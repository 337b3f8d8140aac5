import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { baton } from "../helpers/cli.ts";
import { makeWorld } from "../helpers/world.ts";

interface Document {
  openapi: string;
  info: { title: string };
  paths: Record<string, Record<string, unknown>>;
}

describe("baton openapi", () => {
  it("prints the OpenAPI 3 document without a server, a config or a database", async () => {
    const w = makeWorld();
    // Neither the configured database (unreachable here) nor a password changes anything.
    const env = {
      ...w.env,
      DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
      UI_PASSWORD: "a password",
    };
    const { code, out, err } = await baton(["openapi"], { env, cwd: w.cwd });
    expect(err).toBe("");
    expect(code).toBe(0);
    const doc = JSON.parse(out) as Document;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toBe("Baton API");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/health",
        "/api/projects",
        "/api/projects/{id}",
        "/api/projects/{id}/sessions",
        "/api/projects/{id}/quality",
        "/api/prompts/versions",
        "/api/analyses/{id}",
      ]),
    );
    expect(doc.paths["/api/projects/{id}"]).toHaveProperty("get");
    // The document is the same on every run and machine (npm run api:types relies on it).
    const again = await baton(["openapi"], { env: w.env, cwd: w.cwd });
    expect(again.out).toBe(out);
    expect(fs.readdirSync(w.home)).toEqual([]);
  });

  it("--output writes the document to a file (relative to the working directory)", async () => {
    const w = makeWorld();
    const { code, out, err } = await baton(["openapi", "--output", "openapi.json"], {
      env: w.env,
      cwd: w.cwd,
    });
    expect(code).toBe(0);
    expect(out).toBe("");
    const file = path.join(w.cwd, "openapi.json");
    expect(err).toContain(file);
    const doc = JSON.parse(fs.readFileSync(file, "utf8")) as Document;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.paths).toHaveProperty("/api/projects");
  });
});
