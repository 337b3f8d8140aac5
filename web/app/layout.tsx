import type { Metadata, Viewport } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { ThemeToggle } from "@/components/theme-toggle";
import { Toasts } from "@/components/toasts";
import "./globals.css";

export const metadata: Metadata = {
  title: "Baton",
  description: "Builds complete applications from a specification across many Claude sessions.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

/** Sets the theme before the first paint: the saved choice, else the system's. */
const THEME_SCRIPT = `try{var t=localStorage.getItem("baton.theme");var d=t?t==="dark":matchMedia("(prefers-color-scheme: dark)").matches;document.documentElement.classList.toggle("dark",d)}catch(e){}`;

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant script, no user input */}
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-screen antialiased">
        <Toasts>
          <Providers>
            <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:p-2">
              Skip to content
            </a>
            <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
              <nav aria-label="Main" className="mx-auto flex max-w-6xl items-center gap-4 px-4 py-3">
                <Link href="/" className="text-lg font-bold tracking-tight">
                  Baton
                </Link>
                <Link href="/" className="text-sm hover:underline">
                  Projects
                </Link>
                <Link href="/new" className="text-sm hover:underline">
                  New project
                </Link>
                <Link href="/prompts" className="text-sm hover:underline">
                  Prompts
                </Link>
                <span className="flex-1" />
                <ThemeToggle />
              </nav>
            </header>
            <main id="main" className="mx-auto max-w-6xl px-4 py-6">
              {children}
            </main>
          </Providers>
        </Toasts>
      </body>
    </html>
  );
}
