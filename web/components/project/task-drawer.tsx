"use client";
import { Dialog } from "@/components/dialog";
import { StatusBadge } from "@/components/ui";
import { useTask } from "@/lib/queries";

/** One task at the side of the plan: what to build, its notes, and every test with steps and evidence. */
export function TaskDrawer({
  projectId,
  taskId,
  onClose,
}: {
  projectId: number;
  taskId: number;
  onClose: () => void;
}) {
  // Tests ticking while the drawer is open show at once: the project's stream invalidates the task.
  const { data: task, error } = useTask(projectId, taskId);

  return (
    <Dialog title={task?.description ?? "Task"} onClose={onClose} placement="drawer">
      {error && <p role="alert">{error.message}</p>}
      {!task && !error && <p aria-busy="true">Loading…</p>}
      {task && (
        <div className="flex flex-col gap-4 text-sm" data-testid="task-drawer">
          <p className="flex items-center gap-2">
            <StatusBadge status={task.status} />
            <span className="text-slate-600 dark:text-slate-300">
              {task.tests.filter((t) => t.status === "passing").length}/{task.tests.length} tests passing ·
              priority {task.priority}
            </span>
          </p>
          <section>
            <h3 className="mb-1 font-semibold">Action</h3>
            <p className="whitespace-pre-wrap text-slate-700 dark:text-slate-300">{task.action}</p>
          </section>
          {task.notes && (
            <section>
              <h3 className="mb-1 font-semibold">Notes</h3>
              <p className="whitespace-pre-wrap text-slate-700 dark:text-slate-300">{task.notes}</p>
            </section>
          )}
          <section>
            <h3 className="mb-1 font-semibold">Tests</h3>
            {task.tests.length === 0 && <p className="text-slate-600 dark:text-slate-300">No tests.</p>}
            <ul className="flex flex-col gap-2">
              {task.tests.map((test) => (
                <li key={test.id} className="rounded border border-slate-200 p-2 dark:border-slate-700">
                  <div className="flex flex-wrap items-center gap-2">
                    <StatusBadge status={test.status} />
                    <span className="text-xs text-slate-600 dark:text-slate-300">{test.category}</span>
                    <span>{test.description}</span>
                  </div>
                  {test.steps.length > 0 && (
                    <ol className="mt-1 list-decimal pl-6 text-xs text-slate-700 dark:text-slate-300">
                      {test.steps.map((step, i) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: steps are fixed text in order and may repeat
                        <li key={i}>{step}</li>
                      ))}
                    </ol>
                  )}
                  {test.evidence && (
                    <p className="mt-1 text-xs whitespace-pre-wrap">
                      <span className="font-medium">Evidence:</span> {test.evidence}
                    </p>
                  )}
                </li>
              ))}
            </ul>
          </section>
        </div>
      )}
    </Dialog>
  );
}
