import type { AnalysisOutcome } from "../review/analysis.ts";
import type { PromptAnalysis, PromptProposal, PromptVersion } from "../review/model.ts";
import type { DroppedEdit } from "../review/screen-proposals.ts";
import type { SessionRef } from "../review/themes.ts";
import type { PromptVersionWithStats } from "../review/version-stats.ts";
import { clip, plural, table, usd, utc } from "./text.ts";

const rating = (value: number | null) => (value === null ? "-" : value.toFixed(1));

/** Every prompt version with the sessions that ran it and how they were rated. */
export function formatVersionsText(versions: readonly PromptVersionWithStats[]): string {
  if (versions.length === 0) return "no prompt versions yet\n";
  return table(
    ["prompt", "version", "active", "source", "sessions", "quick", "deep", "created"],
    versions.map((v) => [
      v.name,
      `v${v.version}`,
      v.active ? "*" : "",
      v.source,
      String(v.stats.sessions),
      rating(v.stats.avg_quick_rating),
      rating(v.stats.avg_deep_rating),
      utc(v.created_at),
    ]),
    [4, 5, 6],
  );
}

export function versionTitle(v: PromptVersion): string {
  return `${v.name} v${v.version}${v.active ? " (active)" : ""}, ${v.source}, ${utc(v.created_at)}`;
}

function evidenceText(evidence: readonly unknown[]): string {
  const refs = evidence.filter(
    (e): e is SessionRef => typeof e === "object" && e !== null && "session_id" in e,
  );
  return refs.length === 0 ? "none cited" : refs.map((r) => `${r.project} #${r.session_number}`).join(", ");
}

/** One proposal in full: its edit as -/+ lines, why, and on what evidence. */
export function formatProposalText(p: PromptProposal): string {
  const confidence = p.confidence === null ? "" : `, confidence ${p.confidence.toFixed(2)}`;
  const lines = [
    `proposal ${p.id} [${p.status}] ${p.prompt_name} / ${p.theme}${confidence}${p.applied_version_id === null ? "" : `, applied as version id ${p.applied_version_id}`}`,
    ...p.before_text.split("\n").map((l) => `  - ${l}`),
    ...p.after_text.split("\n").map((l) => `  + ${l}`),
    `  why: ${clip(p.rationale || "(no rationale)", 300)}`,
    `  evidence: ${evidenceText(p.evidence)}`,
  ];
  return `${lines.join("\n")}\n`;
}

/** A compact list of proposals, one line each. */
export function formatProposalsTable(proposals: readonly PromptProposal[]): string {
  if (proposals.length === 0) return "no proposals\n";
  return table(
    ["id", "analysis", "status", "prompt", "theme", "confidence", "before"],
    proposals.map((p) => [
      String(p.id),
      String(p.analysis_id),
      p.status,
      p.prompt_name,
      p.theme,
      p.confidence === null ? "-" : p.confidence.toFixed(2),
      clip(p.before_text, 60),
    ]),
    [0, 1, 5],
  );
}

export function formatAnalysesTable(analyses: readonly PromptAnalysis[]): string {
  if (analyses.length === 0) return "no analyses yet\n";
  return table(
    ["id", "status", "sessions", "cost", "created", "error"],
    analyses.map((a) => [
      String(a.id),
      a.status,
      String(a.sessions_analyzed),
      usd(a.cost_usd),
      utc(a.created_at),
      a.error === null ? "" : clip(a.error, 80),
    ]),
    [0, 2, 3],
  );
}

function droppedText(dropped: readonly DroppedEdit[]): string[] {
  return dropped.map((d) => `  left out: ${d.prompt} / ${d.theme}: ${d.reason}`);
}

/** What `baton improve` prints after an analysis. */
export function formatAnalysisOutcome(outcome: AnalysisOutcome): string {
  const a = outcome.analysis;
  const head = `analysis ${a.id}: ${a.status}, ${plural(a.sessions_analyzed, "session")} analysed, ${plural(a.themes.length, "theme")}, ${usd(a.cost_usd)}${a.model ? ` (${a.model})` : ""}\n`;
  if (a.status === "error") return `${head}error: ${a.error ?? "unknown"}\n`;
  const body =
    outcome.proposals.length === 0
      ? "no proposals\n"
      : `\n${outcome.proposals.map(formatProposalText).join("\n")}`;
  const dropped = droppedText(outcome.dropped);
  const next =
    outcome.proposals.length === 0
      ? ""
      : "\napply one with `baton prompts apply ID`, reject one with `baton prompts reject ID`\n";
  return `${head}${body}${dropped.length ? `\n${dropped.join("\n")}\n` : ""}${next}`;
}
