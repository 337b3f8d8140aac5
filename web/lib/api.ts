/**
 * The UI's only way to the server: `client`, an openapi-fetch client typed by web/lib/api.gen.ts
 * (generated from the server's OpenAPI document), with the login token (kept in localStorage)
 * as `Authorization: Bearer`. A 401 sends the user to /login; every other failure is thrown as an
 * ApiError carrying the server's `{ code, message }`, so a call that returns has its data.
 */
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./api.gen";

const TOKEN_KEY = "baton.token";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function getToken(): string | null {
  if (typeof window === "undefined") return null;
  return window.localStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  if (token === null) window.localStorage.removeItem(TOKEN_KEY);
  else window.localStorage.setItem(TOKEN_KEY, token);
}

function toLogin(): void {
  if (window.location.pathname.startsWith("/login")) return;
  const next = window.location.pathname + window.location.search;
  window.location.assign(`/login?next=${encodeURIComponent(next)}`);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

const auth: Middleware = {
  onRequest({ request }) {
    const token = getToken();
    if (token) request.headers.set("authorization", `Bearer ${token}`);
    return request;
  },
  async onResponse({ request, response }) {
    if (response.ok) return response;
    if (response.status === 401 && !new URL(request.url).pathname.startsWith("/api/auth/login")) {
      setToken(null);
      toLogin();
      throw new ApiError(401, "BATON_UNAUTHORIZED", "please log in");
    }
    const text = await response.text();
    const err = (text ? safeJson(text) : {}) as { code?: string; message?: string };
    throw new ApiError(response.status, err.code ?? "BATON_HTTP", err.message ?? `HTTP ${response.status}`);
  },
  onError({ error }) {
    if (error instanceof ApiError || (error instanceof DOMException && error.name === "AbortError"))
      return error;
    return new ApiError(0, "BATON_NETWORK", `the server cannot be reached (${(error as Error).message})`);
  },
};

/** Typed calls: `client.GET("/api/projects/{id}", { params: { path: { id } } })`. */
export const client = createClient<paths>({
  baseUrl: typeof window === "undefined" ? "http://localhost" : "",
});
client.use(auth);

/**
 * The data of a call that succeeded (failures are thrown by the middleware above). Every route
 * the UI reads answers JSON, so the data is there whenever the call returned.
 */
export async function data<T>(call: Promise<{ data?: T }>): Promise<T> {
  return (await call).data as T;
}

/** A link that downloads with the token (anchors cannot send headers): fetched, then saved. */
export async function download(path: string, filename: string): Promise<void> {
  const headers = new Headers();
  const token = getToken();
  if (token) headers.set("authorization", `Bearer ${token}`);
  const response = await fetch(path, { headers });
  if (!response.ok)
    throw new ApiError(response.status, "BATON_HTTP", `download failed: HTTP ${response.status}`);
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function wsUrl(query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const proto = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${window.location.host}/api/ws?${params}`;
}

/** The WebSocket's subprotocols: `baton`, and the login token beside it (never in the URL). */
export function wsProtocols(): string[] {
  const token = getToken();
  return token ? ["baton", `baton.token.${token}`] : ["baton"];
}
