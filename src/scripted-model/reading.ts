import { contentBlocks, type MessagesRequest, textOf } from "./request.ts";

/** A tool result the agent sent back, with the name of the tool it answers. */
export interface ToolResult {
  toolUseId: string;
  /** The name of the tool_use block with that id in an earlier assistant turn (undefined if none). */
  name: string | undefined;
  /** The result's text (string content, or its text blocks joined by newlines). */
  text: string;
  isError: boolean;
}

/**
 * The tool results in the request's last user message, in order (empty when it holds none). A
 * system message after it (Claude Code's "tools just became available" note) is passed over.
 */
export function lastToolResults(request: MessagesRequest): ToolResult[] {
  const last = request.messages.findLast((m) => m.role !== "system");
  if (last === undefined || last.role !== "user") return [];
  return toolResultsOf(request, [last]);
}

/** Every tool result of the conversation so far, oldest first; `name` keeps only that tool's. */
export function allToolResults(request: MessagesRequest, name?: string): ToolResult[] {
  const results = toolResultsOf(
    request,
    request.messages.filter((m) => m.role === "user"),
  );
  return name === undefined ? results : results.filter((r) => r.name === name);
}

/**
 * The session's working directory, as Claude Code tells the model ("Primary working directory:"
 * in its environment message); undefined when the request does not say.
 */
export function workingDirectory(request: MessagesRequest): string | undefined {
  for (const message of request.messages) {
    const found = /Primary working directory: (\S+)/.exec(textOf(contentBlocks(message)));
    if (found?.[1]) return found[1];
  }
  return undefined;
}

/** The text of the first user message: the session's prompt. */
export function firstUserText(request: MessagesRequest): string {
  const first = request.messages.find((message) => message.role === "user");
  return first === undefined ? "" : textOf(contentBlocks(first));
}

function toolResultsOf(request: MessagesRequest, messages: MessagesRequest["messages"]): ToolResult[] {
  const names = toolUseNames(request);
  const results: ToolResult[] = [];
  for (const block of messages.flatMap((m) => contentBlocks(m))) {
    if (block.type !== "tool_result") continue;
    const toolUseId = typeof block.tool_use_id === "string" ? block.tool_use_id : "";
    results.push({
      toolUseId,
      name: names.get(toolUseId),
      text: textOf(block.content),
      isError: block.is_error === true,
    });
  }
  return results;
}

/** The one last tool result, or undefined: for scripts that call one tool per turn. */
export function lastToolResult(request: MessagesRequest): ToolResult | undefined {
  return lastToolResults(request).at(-1);
}

/** How many assistant turns the conversation holds so far. */
export function assistantTurns(request: MessagesRequest): number {
  return request.messages.filter((message) => message.role === "assistant").length;
}

/** The text blocks of the last user message (the prompt, on the first turn), joined by newlines. */
export function lastUserText(request: MessagesRequest): string {
  const last = request.messages.findLast((message) => message.role === "user");
  return last === undefined ? "" : textOf(contentBlocks(last));
}

/** The tool names the request offers the model. */
export function offeredTools(request: Pick<MessagesRequest, "tools">): string[] {
  return (request.tools ?? []).map((tool) => tool.name);
}

function toolUseNames(request: MessagesRequest): Map<string, string> {
  const names = new Map<string, string>();
  for (const message of request.messages) {
    if (message.role !== "assistant") continue;
    for (const block of contentBlocks(message)) {
      if (block.type === "tool_use" && typeof block.id === "string" && typeof block.name === "string") {
        names.set(block.id, block.name);
      }
    }
  }
  return names;
}
