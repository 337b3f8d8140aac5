import { type BatonEvent, EVENT_PAYLOADS, type EventType } from "../events/catalog.ts";
import type { SessionEvent } from "../sessions/model.ts";
import { formatDuration } from "../util/duration.ts";
import { formatEventText, formatSummary, type SessionSummary } from "./text-format.ts";

/**
 * Views of a session's stored events, built with the same formatter as its text log: the human
 * view (one rendered block per event, as in `session_NNN_<time>.txt`) and the problems view
 * (errors, refused commands and failed tool calls). The API's log routes serve them.
 */

/** One event as the human log shows it. */
export interface HumanLine {
  seq: number;
  type: string;
  text: string;
}

/** Something that went wrong in a session, as the errors view lists it. */
export interface LogProblem {
  seq: number;
  ts: string;
  type: "error" | "security" | "tool_result";
  /** The error's kind, the layer that refused a command, or the tool that failed. */
  kind: string;
  message: string;
  /** The event as the human log shows it. */
  text: string;
}

/** A stored event as the catalog types it, or null when its type or payload is not the catalog's. */
export function asCatalogEvent(event: SessionEvent): BatonEvent | null {
  const schema = (EVENT_PAYLOADS as Record<string, (typeof EVENT_PAYLOADS)[EventType] | undefined>)[
    event.type
  ];
  if (schema === undefined || !schema.safeParse(event.payload).success) return null;
  return event as BatonEvent;
}

/** An event rendered as in the text log; an event the catalog does not know is shown as JSON. */
export function renderEvent(event: SessionEvent, startedAt: number): string {
  const known = asCatalogEvent(event);
  if (known) return formatEventText(known, startedAt);
  const stamp = `[${formatDuration(Date.parse(event.ts) - startedAt).padStart(7)}]`;
  return `${stamp} ${event.type.toUpperCase().padEnd(7)} ${JSON.stringify(event.payload)}`;
}

/** The human view of some of a session's events (session events only: each has a seq). */
export function humanLines(events: SessionEvent[], startedAt: number): HumanLine[] {
  return events.flatMap((e) =>
    e.seq === null ? [] : [{ seq: e.seq, type: e.type, text: renderEvent(e, startedAt) }],
  );
}

/** The lines as text, with the summary block of the text log when the session's end is among them. */
export function humanText(lines: HumanLine[], events: SessionEvent[]): string {
  const end = events.map(asCatalogEvent).find((e) => e?.type === "session_end");
  const body = lines.map((l) => `${l.text}\n`).join("");
  return end ? `${body}${formatSummary(end.payload as SessionSummary)}` : body;
}

/** The errors, refused commands and failed tool calls among a session's events. */
export function logProblems(events: SessionEvent[], startedAt: number): LogProblem[] {
  const problems: LogProblem[] = [];
  for (const stored of events) {
    const e = asCatalogEvent(stored);
    if (e === null || e.seq === null) continue;
    const base = { seq: e.seq, ts: e.ts, text: formatEventText(e, startedAt) };
    if (e.type === "error") {
      const p = (e as BatonEvent<"error">).payload;
      problems.push({ ...base, type: "error", kind: p.kind, message: p.message });
    } else if (e.type === "security") {
      const p = (e as BatonEvent<"security">).payload;
      if (p.allowed) continue;
      problems.push({
        ...base,
        type: "security",
        kind: p.by ?? "command_policy",
        message: `${p.tool} ${p.command}: ${p.reason}`,
      });
    } else if (e.type === "tool_result") {
      const p = (e as BatonEvent<"tool_result">).payload;
      if (!p.is_error) continue;
      problems.push({ ...base, type: "tool_result", kind: p.name, message: p.content });
    }
  }
  return problems;
}

/** When a session's log clock starts: its start time, else its first event's. */
export function logStart(startedAt: string | null, events: SessionEvent[]): number {
  const start = Date.parse(startedAt ?? events[0]?.ts ?? "");
  return Number.isNaN(start) ? 0 : start;
}
