/**
 * The quick check of a finished coding session: metrics from its events, the rules' deductions,
 * a rating from 1 to 10. No model is called. Stored as a quality check of kind `quick`.
 */
import type { Stores } from "../db/stores/index.ts";
import { fail, isBatonError } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import { recordProjectEvent } from "../events/project-events.ts";
import type { Session, SessionEvent } from "../sessions/model.ts";
import type { Deduction, QualityCheck } from "./model.ts";
import { quickMetrics, tasksWorkedOn } from "./quick-metrics.ts";
import { deductionsFor, isUiTask, type QuickMetrics, type RuleOverrides, ratingOf } from "./quick-rules.ts";

export interface QuickResult {
  metrics: QuickMetrics;
  issues: Deduction[];
  rating: number;
}

const EVENT_PAGE = 1_000;

/** Every stored event of a session, oldest first. */
export async function sessionEvents(stores: Stores, sessionId: number): Promise<SessionEvent[]> {
  const events: SessionEvent[] = [];
  for (;;) {
    const page = await stores.sessions.listEvents(sessionId, {
      afterSeq: events.at(-1)?.seq ?? 0,
      limit: EVENT_PAGE,
    });
    events.push(...page);
    if (page.length < EVENT_PAGE) return events;
  }
}

/** Computes the quick check of a coding session (nothing is stored). */
export async function computeQuickCheck(
  stores: Stores,
  session: Session,
  rules: RuleOverrides = {},
): Promise<QuickResult> {
  if (session.type !== "coding") {
    throw fail("BATON_SESSION_NOT_REVIEWABLE", {
      session_id: session.id,
      session: session.number,
      what: session.type === "initializer" ? "the initializer" : "a review",
    });
  }
  const events = await sessionEvents(stores, session.id);
  const testsPerTask = new Map<number, number>();
  let uiTask = false;
  for (const id of tasksWorkedOn(events)) {
    const task = await stores.plan.getTask(session.project_id, id).catch((error: unknown) => {
      if (isBatonError(error, "BATON_TASK_NOT_FOUND")) return null; // removed by a reset since
      throw error;
    });
    if (task === null) continue;
    testsPerTask.set(id, task.tests.length);
    uiTask ||= isUiTask(task);
  }
  const metrics = quickMetrics({ session, events, uiTask, testsPerTask });
  const issues = deductionsFor(metrics, rules);
  return { metrics, issues, rating: ratingOf(issues) };
}

/** Computes, stores (kind `quick`) and announces (`review_complete`) the quick check of a coding session. */
export async function runQuickCheck(
  deps: { stores: Stores; bus: EventBus; rules?: RuleOverrides },
  session: Session,
): Promise<QualityCheck> {
  const result = await computeQuickCheck(deps.stores, session, deps.rules);
  const check = await deps.stores.quality.add({
    session_id: session.id,
    kind: "quick",
    rating: result.rating,
    metrics: { ...result.metrics },
    issues: result.issues,
  });
  await recordProjectEvent(
    { sessions: deps.stores.sessions, bus: deps.bus },
    session.project_id,
    "review_complete",
    {
      kind: "quick",
      session_id: session.id,
      session_number: session.number,
      rating: check.rating,
      quality_check_id: check.id,
    },
  );
  return check;
}
