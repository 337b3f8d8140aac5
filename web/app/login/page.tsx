"use client";
import { useSearchParams } from "next/navigation";
import { type FormEvent, Suspense, useState } from "react";
import { Card, inputClass, primaryButton } from "@/components/ui";
import { client, data, setToken } from "@/lib/api";

export default function LoginPage() {
  return (
    <Suspense fallback={null}>
      <Login />
    </Suspense>
  );
}

function Login() {
  const next = useSearchParams().get("next") ?? "/";
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await data(client.POST("/api/auth/login", { body: { password } }));
      setToken(r.access_token);
      // Only a path on this site: never an open redirect.
      window.location.assign(next.startsWith("/") && !next.startsWith("//") ? next : "/");
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };

  return (
    <section className="mx-auto max-w-sm py-10">
      <Card>
        <h1 className="text-xl font-bold">Log in to Baton</h1>
        <form onSubmit={submit} className="mt-4 flex flex-col gap-3">
          <label htmlFor="password" className="text-sm font-medium">
            Password
          </label>
          <input
            id="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            className={inputClass}
            required
          />
          {error && (
            <p role="alert" className="text-sm text-red-700 dark:text-red-300">
              {error}
            </p>
          )}
          <button type="submit" className={primaryButton} disabled={busy || password === ""}>
            {busy ? "Logging in…" : "Log in"}
          </button>
        </form>
      </Card>
    </section>
  );
}
