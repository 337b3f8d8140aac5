/**
 * The web UI, served from the API's own process and port: the static export of web/ (Next.js,
 * `output: "export"`) in web/out. Every path outside /api is the UI's: a page's HTML
 * (`/project` → project.html; ids travel in the query string), a built asset, or the UI's
 * 404 page. /api paths never reach here: an unknown one gets the API's JSON 404.
 *
 * The build is made by `npm install` (the root postinstall runs web/scripts/ensure-build.mjs,
 * which rebuilds only when web/ changed) or by hand with `npm run build:web`; a server started
 * without a build answers UI paths with a page saying how to make one.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyReply } from "fastify";
import type { Routes } from "./app.ts";

/** Where the UI's static export is. */
export const WEB_OUT = fileURLToPath(new URL("../../web/out/", import.meta.url));

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Baton</title></head>
<body style="font-family:system-ui;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>The web UI is not built yet</h1>
<p>Run <code>npm run build:web</code> (or <code>npm install</code>) in Baton's folder, then reload.
The API is up: <a href="/api/docs">/api/docs</a>.</p></body></html>`;

/** The file of web/out a request path names, if there is one. */
export function uiFile(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const clean = path.posix.normalize(`/${decoded}`).replace(/\/+$/, "");
  if (clean.split("/").some((part) => part.startsWith("."))) return null;
  const candidates =
    clean === ""
      ? ["index.html"]
      : [clean.slice(1), `${clean.slice(1)}.html`, `${clean.slice(1)}/index.html`];
  for (const candidate of candidates) {
    const full = path.join(root, candidate);
    if (!full.startsWith(root)) return null;
    if (existsSync(full) && statSync(full).isFile()) return candidate;
  }
  return null;
}

function isApiPath(urlPath: string): boolean {
  return urlPath === "/api" || urlPath.startsWith("/api/");
}

/** Registers the UI's catch-all GET route; register it after the API's routes. */
export const uiRoutes: Routes = (app) => {
  app.register(async (scope) => {
    await scope.register(fastifyStatic, { root: WEB_OUT, serve: false });
    const send = (reply: FastifyReply, file: string) => {
      // Hashed assets never change; pages are checked each time.
      reply.header(
        "cache-control",
        file.startsWith("_next/static/") ? "public, max-age=31536000, immutable" : "no-cache",
      );
      return reply.sendFile(file);
    };
    scope.get("/*", { schema: { hide: true } }, async (request, reply) => {
      const urlPath = request.url.split("?")[0] ?? "/";
      if (isApiPath(urlPath)) return reply.callNotFound();
      if (!existsSync(path.join(WEB_OUT, "index.html"))) {
        return reply.code(503).type("text/html; charset=utf-8").send(NOT_BUILT);
      }
      const file = uiFile(WEB_OUT, urlPath);
      if (file !== null) return send(reply, file);
      return send(reply.code(404), "404.html");
    });
  });
};
