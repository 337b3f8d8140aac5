import type { NextConfig } from "next";
import { PHASE_DEVELOPMENT_SERVER } from "next/constants";

/**
 * A static export into web/out, served by the API's own process (src/server/ui.ts): one
 * process, one port. Ids travel in query strings (/project?id=3) since a static export cannot
 * have unknown dynamic segments.
 */
const config: NextConfig = {
  output: "export",
  trailingSlash: false,
  images: { unoptimized: true },
  reactStrictMode: true,
  poweredByHeader: false,
};

/** `npm run dev` (next dev on :3000) talks to the API on :8000 (BATON_API_URL) through this proxy. */
const devProxy: NextConfig = {
  async rewrites() {
    const api = process.env.BATON_API_URL ?? "http://127.0.0.1:8000";
    return [{ source: "/api/:path*", destination: `${api}/api/:path*` }];
  },
};

export default (phase: string): NextConfig =>
  phase === PHASE_DEVELOPMENT_SERVER ? { ...config, ...devProxy } : config;
