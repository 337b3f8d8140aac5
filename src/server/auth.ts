/**
 * Password login and JWTs (HS256, via jose, always with an expiry). With `auth.ui_password` set,
 * every API route but the health and readiness checks, login and the API docs needs `Authorization: Bearer
 * <token>`; the WebSocket, which browsers cannot give headers, takes the token as a subprotocol
 * (`Sec-WebSocket-Protocol: baton, baton.token.<token>`), never in the URL (where proxies and
 * logs keep it). Without a password there is no auth: the server then binds to loopback only
 * (see serve.ts).
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { jwtVerify, SignJWT } from "jose";
import type { Config } from "../config/schema.ts";
import { fail } from "../errors.ts";

export const SECRET_KEY_FILE = "secret.key";
const MIN_SECRET_LENGTH = 32;
const SUBJECT = "baton-ui";
/** The WebSocket subprotocol the server answers with; the token rides beside it. */
export const WS_PROTOCOL = "baton";
/** `Sec-WebSocket-Protocol` entries starting with this carry the token. */
export const WS_TOKEN_PROTOCOL_PREFIX = "baton.token.";

/** Routes anyone may call, password or not. */
const PUBLIC_ROUTES = new Set(["/api/health", "/api/ready", "/api/auth/login", "/api/openapi.json"]);
const PUBLIC_PREFIXES = ["/api/docs"];

/**
 * The key tokens are signed with: `auth.secret_key` (SECRET_KEY) when set, else one generated on
 * first use and kept in the Baton home (`secret.key`, readable by its owner only), so tokens
 * survive a restart.
 */
export function loadSecretKey(configured: string | null, home: string): Uint8Array {
  if (configured !== null) {
    if (configured.length < MIN_SECRET_LENGTH) {
      throw fail("BATON_CONFIG_INVALID", {
        key: "auth.secret_key",
        reason: `auth.secret_key (SECRET_KEY) is ${configured.length} characters; use at least ${MIN_SECRET_LENGTH} (e.g. openssl rand -hex 32), or unset it to let Baton keep one in its home`,
      });
    }
    return new TextEncoder().encode(configured);
  }
  const file = path.join(home, SECRET_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(home, { recursive: true });
    writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return new TextEncoder().encode(readFileSync(file, "utf8").trim());
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

export class Auth {
  private readonly password: Buffer | null;

  constructor(
    password: string | null,
    private readonly key: Uint8Array,
    private readonly ttlSeconds: number,
  ) {
    this.password = password === null ? null : digest(password);
  }

  static fromConfig(auth: Config["auth"], home: string): Auth {
    const key = auth.ui_password === null ? new Uint8Array() : loadSecretKey(auth.secret_key, home);
    return new Auth(auth.ui_password, key, Math.round(auth.token_ttl_hours * 3600));
  }

  get enabled(): boolean {
    return this.password !== null;
  }

  get expiresIn(): number {
    return this.ttlSeconds;
  }

  /** A token for the right password; BATON_LOGIN_FAILED otherwise (compared in constant time). */
  async login(password: string): Promise<string> {
    if (this.password === null) {
      throw fail("BATON_VALIDATION", {
        field: "password",
        reason: "this server has no password (auth.ui_password / UI_PASSWORD is not set)",
      });
    }
    if (!timingSafeEqual(digest(password), this.password)) {
      throw fail("BATON_LOGIN_FAILED", {});
    }
    return new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(SUBJECT)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  /** Whether `token` is one this server signed, carries an expiry, and has not expired. */
  async valid(token: string): Promise<boolean> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ["HS256"],
        subject: SUBJECT,
        requiredClaims: ["exp", "iat"],
      });
      return payload.sub === SUBJECT;
    } catch {
      return false;
    }
  }

  /** The token a request carries: the Authorization header, or the WebSocket's token subprotocol. */
  static tokenOf(request: FastifyRequest): string | null {
    const header = request.headers.authorization;
    if (header?.startsWith("Bearer ")) return header.slice("Bearer ".length).trim();
    if (request.url.startsWith("/api/ws")) {
      const offered = String(request.headers["sec-websocket-protocol"] ?? "").split(",");
      const entry = offered.map((p) => p.trim()).find((p) => p.startsWith(WS_TOKEN_PROTOCOL_PREFIX));
      if (entry) return entry.slice(WS_TOKEN_PROTOCOL_PREFIX.length);
    }
    return null;
  }

  static isPublic(url: string): boolean {
    const route = url.split("?")[0] ?? url;
    return (
      !route.startsWith("/api/") ||
      PUBLIC_ROUTES.has(route) ||
      PUBLIC_PREFIXES.some((p) => route.startsWith(p))
    );
  }

  /** Refuses every non-public API request without a valid token (when a password is set). */
  register(app: FastifyInstance): void {
    if (!this.enabled) return;
    app.addHook("onRequest", async (request) => {
      if (Auth.isPublic(request.url)) return;
      if (new URL(request.url, "http://x").searchParams.has("token")) {
        throw fail("BATON_UNAUTHORIZED", {
          reason: `a token in the URL is refused (proxies and logs keep URLs): send Authorization: Bearer <token>, or on the WebSocket the subprotocols "${WS_PROTOCOL}, ${WS_TOKEN_PROTOCOL_PREFIX}<token>"`,
        });
      }
      const token = Auth.tokenOf(request);
      if (token === null) {
        throw fail("BATON_UNAUTHORIZED", {
          reason: "log in first: POST /api/auth/login, then send Authorization: Bearer <token>",
        });
      }
      if (!(await this.valid(token))) {
        throw fail("BATON_UNAUTHORIZED", { reason: "the token is invalid or has expired: log in again" });
      }
    });
  }
}
