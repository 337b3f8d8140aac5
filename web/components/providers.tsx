"use client";
import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { useToast } from "@/components/toasts";
import { ApiError } from "@/lib/api";
import { GlobalStream } from "@/lib/global-stream";

/** A refused request (4xx) is not tried again; a network or server failure is, twice. */
function retry(failures: number, error: Error): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failures < 2;
}

declare module "@tanstack/react-query" {
  interface Register {
    /** `inline`: the component shows the query's error itself, so no toast. */
    queryMeta: { inline?: boolean };
  }
}

/**
 * The query cache every page reads through (web/lib/queries.ts), kept fresh by the global
 * stream. A failed read shows as an error toast, unless its component shows it (`meta.inline`);
 * a 401 has already sent the user to the login page.
 */
export function Providers({ children }: { children: ReactNode }) {
  const toast = useToast();
  const [queries] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { retry } },
        queryCache: new QueryCache({
          onError: (error, query) => {
            if (query.meta?.inline || (error instanceof ApiError && error.status === 401)) return;
            toast("error", error.message);
          },
        }),
      }),
  );
  return (
    <QueryClientProvider client={queries}>
      <GlobalStream>{children}</GlobalStream>
    </QueryClientProvider>
  );
}
