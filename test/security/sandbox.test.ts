import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isBatonError } from "../../src/errors.ts";
import {
  osSandboxAvailability,
  osSandboxSettings,
  requireSandbox,
  sandboxRefusal,
} from "../../src/security/sandbox.ts";
import { envFilesOutside, isSecret, secretPaths } from "../../src/security/secret-paths.ts";
import { makeWorld } from "../helpers/world.ts";

/** home/ with .ssh and .env; code/ with two apps, each with its own .env; the project is code/app. */
function layout() {
  const w = makeWorld();
  const home = join(w.root, "home");
  const code = join(home, "code");
  const project = join(code, "app");
  const sibling = join(code, "other");
  for (const dir of [join(home, ".ssh"), project, sibling]) mkdirSync(dir, { recursive: true });
  for (const file of [
    join(home, ".env"),
    join(code, ".env.local"),
    join(project, ".env"),
    join(sibling, ".env"),
    join(sibling, ".envrc-not-env"),
  ])
    writeFileSync(file, "SECRET=1");
  return { w, home, code, project, sibling, batonHome: join(home, ".baton") };
}

describe("secret paths", () => {
  it("lists the tools' credentials, Baton's home and .env files outside the project, never the project's own", () => {
    const { home, code, project, sibling, batonHome } = layout();
    const secrets = secretPaths({ projectDir: project, home, batonHome });
    expect(secrets).toContain(join(home, ".ssh"));
    expect(secrets).toContain(join(home, ".aws"));
    expect(secrets).toContain(join(home, ".config/gcloud"));
    expect(secrets).toContain(batonHome);
    expect(secrets).toContain(join(home, ".env"));
    expect(secrets).toContain(join(code, ".env.local"));
    expect(secrets).toContain(join(sibling, ".env"));
    expect(secrets).not.toContain(join(project, ".env"));
    expect(secrets).not.toContain(join(sibling, ".envrc-not-env"));
    expect(envFilesOutside(project, home)).not.toContain(join(project, ".env"));
  });

  it("keeps the project readable when it lies under a protected directory", () => {
    const { home, batonHome } = layout();
    const project = join(batonHome, "generations", "app");
    mkdirSync(project, { recursive: true });
    const secrets = secretPaths({ projectDir: project, home, batonHome });
    expect(secrets).toContain(batonHome);
    expect(isSecret(join(project, "src", "a.ts"), secrets, project)).toBe(false);
    expect(isSecret(join(batonHome, "baton.db"), secrets, project)).toBe(true);
    expect(
      osSandboxSettings({ projectDir: project, home, batonHome, allowedDomains: [] }).filesystem?.allowRead,
    ).toEqual([project]);
  });
});

describe("OS sandbox settings", () => {
  it("turns the sandbox on with no way out, the configured domains and the secrets unreadable", () => {
    const { home, project, batonHome } = layout();
    const settings = osSandboxSettings({
      projectDir: project,
      home,
      batonHome,
      allowedDomains: ["registry.npmjs.org", "*.example.com"],
    });
    expect(settings).toMatchObject({
      enabled: true,
      failIfUnavailable: true,
      allowUnsandboxedCommands: false,
    });
    expect(settings.network?.allowedDomains).toEqual(["registry.npmjs.org", "*.example.com"]);
    expect(settings.filesystem?.denyRead).toEqual(secretPaths({ projectDir: project, home, batonHome }));
    // Writes stay Claude Code's default (the project and the temp dir): nothing is added.
    expect(settings.filesystem?.allowWrite).toBeUndefined();
  });
});

describe("sandbox availability", () => {
  it("is available on this machine (CI installs bubblewrap and socat)", () => {
    expect(osSandboxAvailability()).toEqual({ available: true, problems: [] });
  });

  it("names what to install when bubblewrap and socat are missing", () => {
    const { w } = layout();
    const result = osSandboxAvailability("linux", join(w.root, "empty-bin"));
    expect(result.available).toBe(false);
    expect(result.problems).toEqual([
      "bubblewrap not found: apt-get install bubblewrap (dnf install bubblewrap)",
      "socat not found: apt-get install socat (dnf install socat)",
    ]);
  });

  it("says the OS sandbox does not exist on other platforms", () => {
    expect(osSandboxAvailability("win32").problems[0]).toMatch(/Linux and macOS only, not win32/);
  });

  it("refuses to go on without the configured sandbox, and never checks for none", async () => {
    await expect(requireSandbox("none", { PATH: "" })).resolves.toBeUndefined();
    await expect(requireSandbox("os", { PATH: process.env.PATH })).resolves.toBeUndefined();
    const os = await requireSandbox("os", { PATH: "" }).catch((e: unknown) => e);
    expect(isBatonError(os, "BATON_SANDBOX_UNAVAILABLE")).toBe(true);
    expect((os as Error).message).toMatch(/apt-get install bubblewrap.*set sandbox.type: none/);
    const docker = await requireSandbox("docker", {}, async () => ({
      available: false,
      problems: ["Docker engine not reachable: start the daemon"],
    })).catch((e: unknown) => e);
    expect(isBatonError(docker, "BATON_SANDBOX_UNAVAILABLE")).toBe(true);
    expect((docker as Error).message).toContain("a container per project (sandbox.type: docker)");
    expect((docker as Error).message).toContain("Docker engine not reachable");
  });
});

describe("sandbox refusals in a command's output", () => {
  it("reads the network denials Claude Code appends", () => {
    expect(
      sandboxRefusal(
        "rc=0\n<sandbox_violations>\ndeny network-outbound example.com:80 (user denied)\n</sandbox_violations>",
      ),
    ).toBe("deny network-outbound example.com:80 (user denied)");
  });

  it("reads a write outside the allowed directories", () => {
    expect(sandboxRefusal("touch: cannot touch '/etc/x': Read-only file system\nrc=1")).toBe(
      "write outside the project refused: touch: cannot touch '/etc/x': Read-only file system",
    );
    expect(sandboxRefusal("Error: EROFS: read-only file system, open '/root/x'")).toMatch(/EROFS/);
  });

  it("reads a failed read of a secret, and only of a secret", () => {
    const secrets = ["/home/u/.ssh", "/home/u/.baton"];
    expect(sandboxRefusal("cat: /home/u/.ssh/id_rsa: Permission denied", secrets)).toBe(
      "read of a secret refused: /home/u/.ssh",
    );
    expect(sandboxRefusal("cat: /home/u/notes.txt: No such file or directory", secrets)).toBeNull();
    expect(sandboxRefusal("listing /home/u/.ssh is fine", secrets)).toBeNull();
    expect(sandboxRefusal("npm test\n5 passing")).toBeNull();
  });
});
