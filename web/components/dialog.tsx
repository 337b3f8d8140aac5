"use client";
import { type ReactNode, useEffect, useId, useRef } from "react";

const PLACEMENT = {
  center: "m-auto w-[min(32rem,calc(100vw-2rem))] rounded-lg",
  drawer: "my-0 mr-0 ml-auto h-dvh max-h-dvh w-[min(40rem,100vw)] overflow-y-auto",
};

/**
 * A modal dialog on the native <dialog>: showModal() makes the rest of the page inert (focus
 * stays inside), Escape closes it, and it is labelled by its title. `drawer` slides it to the
 * right edge at full height, with a close button.
 */
export function Dialog({
  title,
  onClose,
  children,
  placement = "center",
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  placement?: keyof typeof PLACEMENT;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    const onCancel = (event: Event) => {
      event.preventDefault();
      closeRef.current();
    };
    dialog.addEventListener("cancel", onCancel);
    return () => {
      dialog.removeEventListener("cancel", onCancel);
      if (dialog.open) dialog.close();
      opener?.focus?.();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      className={`${PLACEMENT[placement]} border border-slate-200 bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-900/50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100`}
    >
      <div className="mb-3 flex items-start gap-3">
        <h2 id={titleId} className="mr-auto text-lg font-semibold">
          {title}
        </h2>
        {placement === "drawer" && (
          <button
            type="button"
            onClick={() => closeRef.current()}
            aria-label="Close"
            className="rounded-md px-2 text-xl leading-none hover:bg-slate-100 dark:hover:bg-slate-800"
          >
            ×
          </button>
        )}
      </div>
      {children}
    </dialog>
  );
}
