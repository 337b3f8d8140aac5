import { z } from "zod";
import { parseInput } from "../db/validate.ts";
import { isBatonError } from "../errors.ts";
import type { TaskTool, TaskToolContext } from "./tool.ts";

/** A tool call's outcome as the model sees it: compact JSON, or one line it can act on. */
export interface TaskToolResult {
  isError: boolean;
  text: string;
}

const MAX_UNEXPECTED_CHARS = 300;

/** One line: models read a refusal better without line breaks, and logs keep one event per line. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

/**
 * Validates `rawArgs` with the tool's zod schema, runs it and maps the outcome. Every server that
 * exposes the task tools (in-process or stdio) goes through here, so they behave the same.
 */
export async function runTaskTool(
  tools: readonly TaskTool[],
  name: string,
  rawArgs: unknown,
  ctx: TaskToolContext,
): Promise<TaskToolResult> {
  const tool = tools.find((t) => t.name === name);
  if (!tool) {
    return {
      isError: true,
      text: `unknown tool ${name}; the task tools are ${tools.map((t) => t.name).join(", ")}`,
    };
  }
  try {
    const args = parseInput(z.object(tool.input), rawArgs ?? {}, "arguments");
    const result = await tool.run(args, ctx);
    return { isError: false, text: JSON.stringify(result) };
  } catch (error) {
    if (isBatonError(error)) return { isError: true, text: oneLine(`${name} refused: ${error.message}`) };
    const message = error instanceof Error ? error.message : String(error);
    return {
      isError: true,
      text: oneLine(`${name} failed with an unexpected error: ${message}`).slice(0, MAX_UNEXPECTED_CHARS),
    };
  }
}

/** The MCP shape of a result (`CallToolResult`), for servers that return it. */
export function toCallToolResult(result: TaskToolResult): {
  content: { type: "text"; text: string }[];
  isError: boolean;
} {
  return { content: [{ type: "text", text: result.text }], isError: result.isError };
}
