import type { Selectable } from "kysely";
import type {
  Deduction,
  PromptName,
  PromptVersion,
  QualityCheckKind,
  Recommendation,
} from "../../review/model.ts";
import { average, NO_STATS, type PromptVersionWithStats } from "../../review/version-stats.ts";
import type { PromptVersionsTable } from "../schema.ts";
import type { StoreDeps } from "./event-log.ts";

export function toVersion(row: Selectable<PromptVersionsTable>): PromptVersion {
  return { ...row, active: row.active === 1 };
}

/** Which sessions a prompt analysis looks at: some projects (none: all), created within a range. */
export interface SessionScope {
  project_ids: readonly number[];
  date_from?: string | null;
  date_to?: string | null;
}

/** A quality check with the session and project it is about, as an analysis reads it. */
export interface ReviewedCheck {
  kind: QualityCheckKind;
  rating: number | null;
  issues: Deduction[];
  recommendations: Recommendation[];
  session_id: number;
  session_number: number;
  project_id: number;
  project: string;
}

/** The read side of prompts: versions with how their sessions did, and the reviews an analysis reads. */
export class PromptReader {
  constructor(protected readonly deps: StoreDeps) {}

  async listVersions(name?: PromptName): Promise<PromptVersion[]> {
    let query = this.deps.db.selectFrom("prompt_versions").selectAll().orderBy("name").orderBy("version");
    if (name !== undefined) query = query.where("name", "=", name);
    return (await query.execute()).map(toVersion);
  }

  /** Every version (of one prompt, or all) with its sessions run and their average quality. */
  async versionsWithStats(name?: PromptName): Promise<PromptVersionWithStats[]> {
    const versions = await this.listVersions(name);
    const sessions = await this.deps.db
      .selectFrom("sessions")
      .select((eb) => [
        "prompt_version_id",
        eb.fn.countAll<number>().as("n"),
        eb.fn.avg<number>("cost_usd").as("avg_cost"),
      ])
      .where("prompt_version_id", "is not", null)
      .groupBy("prompt_version_id")
      .execute();
    const checks = await this.deps.db
      .selectFrom("quality_checks")
      .select((eb) => [
        "prompt_version_id",
        "kind",
        eb.fn.count<number>("rating").as("n"),
        eb.fn.avg<number>("rating").as("avg_rating"),
      ])
      .where("prompt_version_id", "is not", null)
      .where("rating", "is not", null)
      .groupBy(["prompt_version_id", "kind"])
      .execute();
    return versions.map((v) => {
      const s = sessions.find((r) => r.prompt_version_id === v.id);
      const quick = checks.find((r) => r.prompt_version_id === v.id && r.kind === "quick");
      const deep = checks.find((r) => r.prompt_version_id === v.id && r.kind === "deep");
      const count = (n: unknown) => Number(n ?? 0);
      return {
        ...v,
        stats: {
          ...NO_STATS,
          sessions: count(s?.n),
          avg_cost_usd: average(s?.avg_cost, count(s?.n), 4),
          quick_checks: count(quick?.n),
          avg_quick_rating: average(quick?.avg_rating, count(quick?.n)),
          deep_reviews: count(deep?.n),
          avg_deep_rating: average(deep?.avg_rating, count(deep?.n)),
        },
      };
    });
  }

  /** The quality checks of the sessions in scope, oldest session first. */
  async reviewedChecks(scope: SessionScope): Promise<ReviewedCheck[]> {
    let query = this.deps.db
      .selectFrom("quality_checks as q")
      .innerJoin("sessions as s", "s.id", "q.session_id")
      .innerJoin("projects as p", "p.id", "s.project_id")
      .select([
        "q.kind",
        "q.rating",
        "q.issues",
        "q.recommendations",
        "s.id as session_id",
        "s.number as session_number",
        "p.id as project_id",
        "p.name as project",
      ])
      .orderBy("s.id")
      .orderBy("q.id");
    if (scope.project_ids.length > 0) query = query.where("s.project_id", "in", [...scope.project_ids]);
    if (scope.date_from) query = query.where("s.created_at", ">=", scope.date_from);
    if (scope.date_to) query = query.where("s.created_at", "<=", scope.date_to);
    return (await query.execute()).map((r) => ({
      ...r,
      issues: JSON.parse(r.issues) as Deduction[],
      recommendations: JSON.parse(r.recommendations) as Recommendation[],
    }));
  }
}
