"use client";
import { createContext, type ReactNode, useCallback, useContext, useState } from "react";

type Kind = "error" | "success" | "info";
interface Toast {
  id: number;
  kind: Kind;
  text: string;
}

const ToastContext = createContext<(kind: Kind, text: string) => void>(() => {});

export function useToast() {
  return useContext(ToastContext);
}

let nextId = 1;
/** At most this many toasts show at once: a new one pushes out the oldest (an error last). */
const MAX_SHOWN = 3;

function withNew(toasts: Toast[], toast: Toast): Toast[] {
  const all = [...toasts, toast];
  while (all.length > MAX_SHOWN) {
    const i = all.findIndex((t) => t.kind !== "error");
    all.splice(i >= 0 && i < all.length - 1 ? i : 0, 1);
  }
  return all;
}

/** Toasts in a live region (read out by screen readers), dismissable, errors kept until closed. */
export function Toasts({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((t) => t.filter((x) => x.id !== id)), []);
  const show = useCallback(
    (kind: Kind, text: string) => {
      const id = nextId++;
      setToasts((t) => withNew(t, { id, kind, text }));
      if (kind !== "error") setTimeout(() => dismiss(id), 5000);
    },
    [dismiss],
  );
  const colors: Record<Kind, string> = {
    error: "border-red-600 bg-red-50 text-red-900 dark:bg-red-950 dark:text-red-100",
    success: "border-emerald-600 bg-emerald-50 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100",
    info: "border-sky-600 bg-sky-50 text-sky-900 dark:bg-sky-950 dark:text-sky-100",
  };
  return (
    <ToastContext.Provider value={show}>
      {children}
      <div
        aria-live="polite"
        className="fixed right-3 bottom-3 left-3 z-50 flex flex-col items-end gap-2 sm:left-auto"
      >
        {toasts.map((t) => (
          <div
            key={t.id}
            role={t.kind === "error" ? "alert" : "status"}
            data-testid={`toast-${t.kind}`}
            className={`flex w-full max-w-md items-start gap-3 rounded-md border-l-4 p-3 shadow-lg ${colors[t.kind]}`}
          >
            <p className="flex-1 text-sm break-words">{t.text}</p>
            <button
              type="button"
              onClick={() => dismiss(t.id)}
              aria-label="Dismiss"
              className="rounded px-1 text-lg leading-none"
            >
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
