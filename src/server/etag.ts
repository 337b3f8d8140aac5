/**
 * ETags on the API's JSON reads: a weak tag from the answer's bytes, and `304 Not Modified` with
 * no body when the client sends the tag it holds (`If-None-Match`). Pollers of an unchanged plan
 * then get a few bytes instead of the whole answer. `Cache-Control: no-cache` makes browsers ask
 * every time (with the tag) rather than reuse an answer on their own.
 */
import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";

export function etagOf(body: string): string {
  return `W/"${createHash("sha1").update(body).digest("base64url").slice(0, 22)}"`;
}

/** Whether an `If-None-Match` header names `etag` (or `*`); weak comparison, as RFC 9110 asks for GET. */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => tag.trim() === "*" || bare(tag) === bare(etag));
}

export function registerEtags(app: FastifyInstance): void {
  app.addHook("onSend", async (request, reply, payload) => {
    if (
      request.method !== "GET" ||
      reply.statusCode !== 200 ||
      typeof payload !== "string" ||
      !request.url.startsWith("/api/")
    ) {
      return payload;
    }
    // The read cache sets the tag of the answers it keeps or shares (hashed once, not per request).
    const etag = String(reply.getHeader("etag") ?? etagOf(payload));
    reply.header("etag", etag).header("cache-control", "no-cache");
    if (!noneMatch(request.headers["if-none-match"], etag)) return payload;
    reply.code(304).removeHeader("content-type").removeHeader("content-length");
    return "";
  });
}
