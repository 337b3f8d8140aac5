/**
 * The UI's only way to the server: fetch on /api with the login token (kept in localStorage)
 * as `Authorization: Bearer`. A 401 sends the user to /login; every other error becomes an
 * ApiError carrying the server's `{ code, message }`.
 */

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

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  const token = getToken();
  if (token) headers.set("authorization", `Bearer ${token}`);
  if (init.body !== undefined && typeof init.body === "string")
    headers.set("content-type", "application/json");
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers });
  } catch (error) {
    throw new ApiError(0, "BATON_NETWORK", `the server cannot be reached (${(error as Error).message})`);
  }
  if (response.status === 401 && !path.startsWith("/api/auth/login")) {
    setToken(null);
    toLogin();
    throw new ApiError(401, "BATON_UNAUTHORIZED", "please log in");
  }
  const text = await response.text();
  const body: unknown = text ? safeJson(text) : null;
  if (!response.ok) {
    const err = (body ?? {}) as { code?: string; message?: string };
    throw new ApiError(response.status, err.code ?? "BATON_HTTP", err.message ?? `HTTP ${response.status}`);
  }
  return body as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

export const post = <T>(path: string, body?: unknown) =>
  api<T>(path, { method: "POST", body: JSON.stringify(body ?? {}) });

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
