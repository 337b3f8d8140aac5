/**
 * The Claude Code binary the Agent SDK runs. The SDK ships it as a platform package
 * (`@anthropic-ai/claude-agent-sdk-linux-x64`, `…-darwin-arm64`, …, an optional dependency) and,
 * unless `pathToClaudeCodeExecutable` is given (Baton never gives it), resolves
 * `<package>/claude` from its own location, trying the musl build first on a musl Linux.
 * This mirrors that lookup so `baton doctor` finds the very file sessions will start.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

export const SDK_PACKAGE = "@anthropic-ai/claude-agent-sdk";

export interface BinaryLookup {
  platform: NodeJS.Platform;
  arch: string;
  /** A Linux without glibc (Alpine): the SDK prefers the musl build there. */
  musl: boolean;
  /** Resolves a module path the way the SDK does (from the SDK's own directory). */
  resolve(id: string): string;
  exists(file: string): boolean;
}

/** The platform packages the SDK tries, in its order. */
export function binaryPackages(platform: NodeJS.Platform, arch: string, musl: boolean): string[] {
  if (platform === "android") return [`${SDK_PACKAGE}-linux-${arch}-android`];
  if (platform === "linux") {
    const glibc = `${SDK_PACKAGE}-linux-${arch}`;
    const muslBuild = `${SDK_PACKAGE}-linux-${arch}-musl`;
    return musl ? [muslBuild, glibc] : [glibc, muslBuild];
  }
  return [`${SDK_PACKAGE}-${platform}-${arch}`];
}

/** The binary's absolute path, or null when no platform package is installed. */
export function findClaudeBinary(lookup: BinaryLookup): string | null {
  const file = lookup.platform === "win32" ? "claude.exe" : "claude";
  for (const pkg of binaryPackages(lookup.platform, lookup.arch, lookup.musl)) {
    try {
      const candidate = lookup.resolve(`${pkg}/${file}`);
      if (lookup.exists(candidate)) return candidate;
    } catch {
      // not installed
    }
  }
  return null;
}

/** The same test the SDK makes: a Linux whose runtime reports no glibc version is musl. */
function isMusl(platform: NodeJS.Platform): boolean {
  if (platform !== "linux") return false;
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report !== undefined && report.header?.glibcVersionRuntime === undefined;
}

/** This machine's lookup, resolving from the installed SDK as the SDK itself does. */
export function localBinaryLookup(platform: NodeJS.Platform, arch: string): BinaryLookup {
  const fromSdk = createRequire(createRequire(import.meta.url).resolve(SDK_PACKAGE));
  return {
    platform,
    arch,
    musl: isMusl(platform),
    resolve: (id) => fromSdk.resolve(id),
    exists: existsSync,
  };
}
