import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach } from "vitest";

/** A temp directory with a project dir (the cwd) and a Baton home, removed after each test. */
export interface World {
  cwd: string;
  home: string;
  env: Record<string, string | undefined>;
  /** Writes a file (path relative to the world's root, or absolute) and returns its absolute path. */
  write(file: string, text: string): string;
  root: string;
}

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) fs.rmSync(root, { recursive: true, force: true });
});

export function makeWorld(): World {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "baton-world-"));
  roots.push(root);
  const cwd = path.join(root, "project");
  const home = path.join(root, "baton-home");
  fs.mkdirSync(cwd);
  fs.mkdirSync(home);
  return {
    root,
    cwd,
    home,
    env: { BATON_HOME: home },
    write(file, text) {
      const full = path.resolve(root, file);
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, text);
      return full;
    },
  };
}
