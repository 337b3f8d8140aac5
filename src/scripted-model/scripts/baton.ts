import { allToolResults, assistantTurns, firstUserText, workingDirectory } from "../reading.ts";
import { type MessageReply, type Script, textReply, toolUseReply } from "../reply.ts";
import type { MessagesRequest } from "../request.ts";
import { analysisScript, isAnalysisRequest } from "./analysis.ts";
import { isReviewRequest, reviewerReply } from "./reviewer.ts";
import { planFromSpec, slug } from "./spec-plan.ts";

/**
 * Scripts that play Baton's sessions without a real model, for tests and `baton demo`. Each is
 * a pure function of the conversation: the step is the number of assistant turns so far, and
 * what it needs (the spec, the task) is read back from earlier tool results. So one server can
 * serve any number of sessions, one after another.
 */
const T = (tool: string) => `mcp__tasks__${tool}`;

/** Claude Code's file tools take absolute paths: files are placed in the session's directory. */
function inProject(request: MessagesRequest, file: string): string {
  return `${workingDirectory(request) ?? "."}/${file}`;
}

function parse<T>(text: string | undefined): T | undefined {
  try {
    return text === undefined ? undefined : (JSON.parse(text) as T);
  } catch {
    return undefined;
  }
}

function lastResultOf(request: MessagesRequest, tool: string): string | undefined {
  return allToolResults(request, tool).at(-1)?.text;
}

/** Session 0: reads the spec, creates epics, expands each, writes the skeleton, commits. */
export const plannerScript: Script = (request) => {
  const step = assistantTurns(request);
  const prompt = firstUserText(request);
  const files =
    /`spec\/` \(([^)]*)\)/
      .exec(prompt)?.[1]
      ?.split(", ")
      .filter((f) => f && f !== "no files") ?? [];
  const spec = () =>
    allToolResults(request, "Read")
      .map((r) => r.text.replace(/^\s*\d+[→\t]/gm, ""))
      .join("\n");
  switch (step) {
    case 0:
      return files.length > 0
        ? toolUseReply(
            files.map((f) => ({
              name: "Read",
              input: { file_path: inProject(request, `spec/${f}`) },
            })),
            "I'll read the specification first.",
          )
        : toolUseReply({ name: "Glob", input: { pattern: "spec/*" } });
    case 1:
      return toolUseReply(
        planFromSpec(spec()).map((e, i) => ({
          name: T("create_epic"),
          input: { name: e.name, description: e.description || e.name, priority: i + 1 },
        })),
        "Planning the epics.",
      );
    case 2: {
      const epics = allToolResults(request, T("create_epic")).map((r) =>
        parse<{ id: number; name: string }>(r.text),
      );
      const plan = planFromSpec(spec());
      return toolUseReply(
        epics.flatMap((epic) => {
          const planned = plan.find((p) => p.name === epic?.name);
          if (!epic || !planned) return [];
          return [
            {
              name: T("expand_epic"),
              input: {
                epic_id: epic.id,
                tasks: planned.tasks.map((task, i) => ({
                  description: task,
                  action: `Create src/${slug(task)}.js that prints "ok: ${task}" when run with node.`,
                  priority: i + 1,
                  tests: [
                    {
                      category: "functional",
                      description: `${task} runs`,
                      steps: [`run node src/${slug(task)}.js`, `see "ok: ${task}"`],
                    },
                  ],
                })),
              },
            },
          ];
        }),
      );
    }
    case 3:
      return toolUseReply([
        {
          name: "Write",
          input: {
            file_path: inProject(request, "init.sh"),
            content: "#!/usr/bin/env bash\nset -e\necho 'Nothing to install: run node src/<feature>.js'\n",
          },
        },
        {
          name: "Write",
          input: {
            file_path: inProject(request, ".env.example"),
            content: "# No settings are needed yet.\n",
          },
        },
        {
          name: "Write",
          input: {
            file_path: inProject(request, "README.md"),
            content: "# Scripted app\nBuilt by Baton's scripted model.\n",
          },
        },
        {
          name: "Write",
          input: {
            file_path: inProject(request, "claude-progress.md"),
            content: "# Progress\nA scripted build.\n\n## Session 0\nPlanned the app.\n",
          },
        },
      ]);
    case 4:
      return toolUseReply({
        name: "Bash",
        input: {
          command:
            "chmod +x init.sh && git add -A && git commit -qm 'Plan and skeleton' && git log --oneline -1",
        },
      });
    default:
      return textReply("The plan and the skeleton are committed.");
  }
};

interface NextTask {
  task?: { id: number; description: string; tests?: { id: number }[] } | null;
  id?: number;
  description?: string;
  tests?: { id: number }[];
}

function taskOf(
  request: MessagesRequest,
): { id: number; description: string; tests: { id: number }[] } | undefined {
  const parsed = parse<NextTask | null>(lastResultOf(request, T("get_next_task")));
  const task = parsed && "task" in parsed ? parsed.task : parsed;
  if (!task || typeof task.id !== "number") return undefined;
  return { id: task.id, description: task.description ?? "", tests: task.tests ?? [] };
}

/** A coding session: takes the next task, writes and runs it, records its tests, marks it done, commits. */
export const coderScript: Script = (request): MessageReply => {
  const step = assistantTurns(request);
  if (step === 0) return toolUseReply({ name: T("get_next_task"), input: {} }, "Let me see what is next.");
  const task = taskOf(request);
  if (!task) return textReply("There is no task left to do.");
  const file = `src/${slug(task.description)}.js`;
  switch (step) {
    case 1:
      return toolUseReply({ name: T("start_task"), input: { task_id: task.id } });
    case 2:
      return toolUseReply({
        name: "Write",
        input: {
          file_path: inProject(request, file),
          content: `console.log(${JSON.stringify(`ok: ${task.description}`)});\n`,
        },
      });
    case 3:
      return toolUseReply({ name: "Bash", input: { command: `node ${file}` } });
    case 4: {
      const output = lastResultOf(request, "Bash") ?? "";
      const passes = output.includes(`ok: ${task.description}`);
      return toolUseReply(
        task.tests.map((t) => ({
          name: T("update_test_result"),
          input: { test_id: t.id, passes, evidence: `ran node ${file}: ${output.trim().slice(0, 200)}` },
        })),
      );
    }
    case 5:
      return toolUseReply({ name: T("update_task_status"), input: { task_id: task.id, done: true } });
    case 6: {
      const note = `\\n## Session\\nTask ${task.id}: ${task.description.replace(/'/g, "")}. Done.\\n`;
      return toolUseReply({
        name: "Bash",
        input: {
          command: `printf '${note}' >> claude-progress.md && git add -A && git commit -qm 'Task ${task.id}' && git log --oneline -1`,
        },
      });
    }
    default:
      return textReply(`Task ${task.id} is done and committed.`);
  }
};

/**
 * Plays whichever session the prompt asks for: a prompt analysis, a deep review, the planner for
 * session 0, the coder otherwise.
 */
export const batonScript: Script = (request, context) => {
  if (isAnalysisRequest(request)) return analysisScript(request);
  if (isReviewRequest(request)) return reviewerReply(request);
  return /Session 0 — plan/.test(firstUserText(request))
    ? plannerScript(request, context)
    : coderScript(request, context);
};
