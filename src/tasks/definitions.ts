import { z } from "zod";
import type { TaskTool } from "./tool.ts";

/** A tool as an MCP client lists it: name, description and the JSON schema of its input. */
export interface TaskToolDefinition {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/** The JSON schemas the MCP servers publish (draft-7, input side of each zod schema, as the MCP SDK does). */
export function taskToolDefinitions(tools: readonly TaskTool[]): TaskToolDefinition[] {
  return tools.map((t) => ({
    name: t.name,
    description: t.description,
    inputSchema: z.toJSONSchema(z.object(t.input), { target: "draft-7", io: "input" }) as Record<
      string,
      unknown
    >,
  }));
}

/** Rough token size of the tool definitions a session carries: JSON characters / 4. */
export function measureTaskTools(tools: readonly TaskTool[]): {
  chars: number;
  tokens: number;
  perTool: { name: string; tokens: number }[];
} {
  const perTool = taskToolDefinitions(tools).map((d) => ({ name: d.name, chars: JSON.stringify(d).length }));
  const chars = perTool.reduce((sum, t) => sum + t.chars, 0);
  return {
    chars,
    tokens: Math.ceil(chars / 4),
    perTool: perTool.map((t) => ({ name: t.name, tokens: Math.ceil(t.chars / 4) })),
  };
}
