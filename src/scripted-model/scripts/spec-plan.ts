/**
 * How the scripted planner turns any small markdown spec into a plan: each `##` heading (or `#`
 * when there are none) is an epic, each bullet under it a task with one test.
 */
export interface ScriptedEpic {
  name: string;
  description: string;
  tasks: string[];
}

const MAX_EPICS = 8;
const MAX_TASKS = 6;

export function planFromSpec(markdown: string): ScriptedEpic[] {
  const lines = markdown.split("\n");
  const level = lines.some((l) => /^##\s+\S/.test(l)) ? "##" : "#";
  const epics: ScriptedEpic[] = [];
  for (const line of lines) {
    const heading = new RegExp(`^${level}\\s+(.+)$`).exec(line);
    if (heading?.[1]) {
      epics.push({ name: heading[1].trim().slice(0, 80), description: "", tasks: [] });
      continue;
    }
    const bullet = /^\s*(?:[-*]|\d+\.)\s+(.+)$/.exec(line);
    const current = epics.at(-1);
    if (bullet?.[1] && current) current.tasks.push(bullet[1].trim().slice(0, 200));
    else if (current && line.trim() && !line.startsWith("#") && !current.description)
      current.description = line.trim();
  }
  const named =
    epics.length > 0 ? epics : [{ name: "Core", description: markdown.trim().slice(0, 200), tasks: [] }];
  const unique = new Set<string>();
  return named
    .filter((e) => !unique.has(e.name) && unique.add(e.name))
    .slice(0, MAX_EPICS)
    .map((e) => ({ ...e, tasks: (e.tasks.length > 0 ? e.tasks : [`Build ${e.name}`]).slice(0, MAX_TASKS) }));
}

/** A file-name-safe form of a task, for the files the scripted coder writes. */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 40) || "task"
  );
}
