import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DevServers, jailArgs } from "../../src/agent/dev-servers.ts";
import type { Decision } from "../../src/security/decision.ts";
import { osSandboxAvailability } from "../../src/security/sandbox.ts";
import { freePort } from "../helpers/ports.ts";
import { makeWorld } from "../helpers/world.ts";

const SERVE = (port: number) =>
  `node -e "require('http').createServer((q, r) => r.end('hello from the jail')).listen(${port}, '127.0.0.1')"`;

const open: DevServers[] = [];
afterEach(async () => {
  for (const servers of open.splice(0)) await servers.stopAll();
});

function setUp(
  jailed: boolean,
  judge: (command: string) => Promise<Decision> = async () => ({ allowed: true, reason: "ok" }),
) {
  const w = makeWorld();
  const projectDir = join(w.root, "app");
  const secretDir = join(w.root, "home", ".ssh");
  const secretFile = join(w.root, "home", ".netrc");
  mkdirSync(projectDir);
  mkdirSync(secretDir, { recursive: true });
  writeFileSync(join(secretDir, "id_ed25519"), "PRIVATE KEY");
  writeFileSync(secretFile, "machine x password hunter2");
  const servers = new DevServers({
    projectDir,
    jailed,
    secrets: [secretDir, secretFile, join(w.root, "home", ".aws")],
    env: { PATH: process.env.PATH },
    logDir: join(projectDir, "logs"),
    judge,
  });
  open.push(servers);
  return { w, projectDir, secretDir, secretFile, servers };
}

describe("jailArgs", () => {
  it("hides existing secret directories and files, and binds only the project and the socket dir writable", () => {
    const { projectDir, secretDir, secretFile, w } = setUp(true);
    const args = jailArgs({
      projectDir,
      socketDir: "/tmp/sock",
      secrets: [secretDir, secretFile, join(w.root, "missing")],
    });
    const joined = args.join(" ");
    expect(joined).toContain(`--tmpfs ${secretDir}`);
    expect(joined).toContain(`--ro-bind /dev/null ${secretFile}`);
    expect(joined).not.toContain("missing");
    expect(joined).toContain("--ro-bind / /");
    expect(joined).toContain(`--bind ${projectDir} ${projectDir}`);
    expect(joined).toContain("--bind /tmp/sock /tmp/sock");
    expect(args).toContain("--unshare-net");
    // Later mounts win: the project and socket binds come after the read-only root and the secrets.
    expect(args.indexOf("--bind")).toBeGreaterThan(args.lastIndexOf("--tmpfs"));
  });
});

describe.each([true, false])("DevServers (jailed: %s)", (jailed) => {
  it("starts a server the host reaches on its port, and stops it", async () => {
    if (jailed) expect(osSandboxAvailability().problems).toEqual([]);
    const { servers } = setUp(jailed);
    const port = await freePort();
    const started = await servers.start(SERVE(port), port, 20);
    expect(started).toMatchObject({ ok: true });
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("hello from the jail");
    expect(await servers.stop(port)).toMatchObject({ ok: true });
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
    expect(servers.logs(port)).toMatchObject({ ok: false });
  });

  it("says why a server did not come up, with its last output", async () => {
    const { servers } = setUp(jailed);
    const port = await freePort();
    const started = await servers.start("echo booting the app; echo broken config >&2; exit 3", port, 10);
    expect(started.ok).toBe(false);
    expect(started.text).toContain("it exited");
    expect(started.text).toContain("booting the app");
    expect(started.text).toContain("broken config");
  });
});

it("does not start a command the policy refuses", async () => {
  const judged: string[] = [];
  const { servers, projectDir } = setUp(true, async (command) => {
    judged.push(command);
    return { allowed: false, reason: "`sudo` is never allowed" };
  });
  const port = await freePort();
  const started = await servers.start(`sudo touch ran.txt; ${SERVE(port)}`, port, 5);
  expect(started).toEqual({
    ok: false,
    text: "Baton's command policy refused this command: `sudo` is never allowed",
  });
  expect(judged).toHaveLength(1);
  expect(existsSync(join(projectDir, "ran.txt"))).toBe(false);
  await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
});

it("jails the server: it writes only in the project, cannot read secrets and has no network", async () => {
  expect(osSandboxAvailability().problems).toEqual([]);
  const { servers, projectDir, secretDir, secretFile, w } = setUp(true);
  const outside = join(w.root, "outside.txt");
  const port = await freePort();
  const probe = [
    `(cat ${secretDir}/id_ed25519 ${secretFile}; echo read=$?) > probe.txt 2>&1`,
    `(echo x > /etc/baton-jail-probe; echo write=$?) >> probe.txt 2>&1`,
    `echo x > ${outside}`,
    `(node -e "require('net').connect(5432, '127.0.0.1').on('connect', () => console.log('net=open')).on('error', (e) => console.log('net=' + e.code))") >> probe.txt 2>&1`,
    SERVE(port),
  ].join("; ");
  expect(await servers.start(probe, port, 20)).toMatchObject({ ok: true });
  const seen = readFileSync(join(projectDir, "probe.txt"), "utf8");
  expect(seen).not.toContain("PRIVATE KEY");
  expect(seen).not.toContain("hunter2");
  expect(seen).toMatch(/read=1/);
  expect(seen).toMatch(/write=[12]/);
  expect(existsSync("/etc/baton-jail-probe")).toBe(false);
  // Its /tmp is its own: what it writes there never reaches the host's.
  expect(existsSync(outside)).toBe(false);
  // PostgreSQL listens on the host's 127.0.0.1:5432; the jail's loopback is its own.
  expect(seen).toMatch(/net=ECONNREFUSED/);
});
