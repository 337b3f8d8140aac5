import { COVERAGE_BAND_MEANING, type Coverage } from "../plan/coverage.ts";
import { percent } from "../plan/progress.ts";
import { clip, table } from "./text.ts";

/** `baton coverage` as text. */
export function formatCoverageText(projectName: string, c: Coverage): string {
  const lines = [
    `${projectName} · test coverage: ${c.band.toUpperCase()} (${COVERAGE_BAND_MEANING[c.band]})`,
  ];
  for (const gap of c.gaps) lines.push(`  - ${gap}`);
  const t = c.tests;
  lines.push(
    "",
    `Tasks  ${c.tasks.with_tests}/${c.tasks.total} have tests (${percent(c.tasks.with_tests, c.tasks.total)}%)`,
    `Tests  ${t.total} in all · per task: min ${t.per_task.min}, avg ${t.per_task.avg}, max ${t.per_task.max}`,
    `       ${Object.entries(t.by_category)
      .map(([category, n]) => `${category} ${n}`)
      .join(" · ")}`,
  );
  let text = `${lines.join("\n")}\n`;
  if (c.tasks.without_tests.length > 0) {
    text += `\nTasks without tests:\n${table(
      ["ID", "EPIC", "TASK"],
      c.tasks.without_tests.map((x) => [String(x.id), String(x.epic_id), clip(x.description, 80)]),
      [0, 1],
    )}`;
  }
  if (c.epics.length > 0) {
    text += `\n${table(
      ["ID", "TASKS", "TESTS", "PASSING", "FUNCTIONAL", "EPIC"],
      c.epics.map((e) => [
        String(e.id),
        String(e.tasks),
        String(e.tests),
        String(e.passing),
        String(e.functional),
        clip(e.name, 60),
      ]),
      [0, 1, 2, 3, 4],
    )}`;
  }
  return text;
}
