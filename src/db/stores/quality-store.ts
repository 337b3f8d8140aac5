import type { Selectable } from "kysely";
import {
  type Deduction,
  NewQualityCheck,
  type QualityCheck,
  type QualityCheckKind,
  type Recommendation,
} from "../../review/model.ts";
import { isoNow } from "../clock.ts";
import type { QualityChecksTable } from "../schema.ts";
import { parseInput } from "../validate.ts";
import type { StoreDeps } from "./event-log.ts";

function toQualityCheck(row: Selectable<QualityChecksTable>): QualityCheck {
  return {
    ...row,
    metrics: JSON.parse(row.metrics) as Record<string, unknown>,
    issues: JSON.parse(row.issues) as Deduction[],
    recommendations: JSON.parse(row.recommendations) as Recommendation[],
  };
}

/** Quality checks: the quick score of every coding session and the occasional deep review. */
export class QualityStore {
  constructor(private readonly deps: StoreDeps) {}

  async add(input: NewQualityCheck): Promise<QualityCheck> {
    const q = parseInput(NewQualityCheck, input, "quality check");
    const session = await this.deps.db
      .selectFrom("sessions")
      .select(["project_id", "prompt_version_id"])
      .where("id", "=", q.session_id)
      .executeTakeFirstOrThrow();
    const row = await this.deps.db
      .insertInto("quality_checks")
      .values({
        project_id: session.project_id,
        session_id: q.session_id,
        kind: q.kind,
        rating: q.rating ?? null,
        metrics: JSON.stringify(q.metrics ?? {}),
        issues: JSON.stringify(q.issues ?? []),
        recommendations: JSON.stringify(q.recommendations ?? []),
        report_markdown: q.report_markdown ?? null,
        model: q.model ?? null,
        cost_usd: q.cost_usd ?? 0,
        prompt_version_id: q.prompt_version_id ?? session.prompt_version_id,
        created_at: isoNow(this.deps.clock),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toQualityCheck(row);
  }

  async forSession(sessionId: number): Promise<QualityCheck[]> {
    const rows = await this.deps.db
      .selectFrom("quality_checks")
      .selectAll()
      .where("session_id", "=", sessionId)
      .orderBy("id")
      .execute();
    return rows.map(toQualityCheck);
  }

  /** A project's checks, newest first. */
  async forProject(
    projectId: number,
    options: { kind?: QualityCheckKind; limit?: number } = {},
  ): Promise<QualityCheck[]> {
    let query = this.deps.db
      .selectFrom("quality_checks")
      .selectAll()
      .where("project_id", "=", projectId)
      .orderBy("id", "desc");
    if (options.kind !== undefined) query = query.where("kind", "=", options.kind);
    if (options.limit !== undefined) query = query.limit(options.limit);
    return (await query.execute()).map(toQualityCheck);
  }
}
