import { ANALYSIS_REQUEST_TITLE } from "../../review/analysis-request.ts";
import { firstUserText } from "../reading.ts";
import { type MessageReply, textReply } from "../reply.ts";
import type { MessagesRequest } from "../request.ts";

/** What the scripted analysis adds to the coding prompt, so tests can find it in later sessions. */
export const SCRIPTED_PROMPT_ADDITION =
  "Take a screenshot of every page you verify and say in the evidence what it shows.";

/** A before text the scripted analysis proposes that no prompt holds: it must be left out. */
export const SCRIPTED_MISSING_BEFORE = "Always write the tests before the code.";

/** Whether a request is a prompt-improvement analysis (src/review/analysis-request.ts writes them). */
export function isAnalysisRequest(request: MessagesRequest): boolean {
  return firstUserText(request).trimStart().startsWith(ANALYSIS_REQUEST_TITLE);
}

/** The text of one `<prompt name="…">` block of the request, or undefined. */
function promptText(request: string, name: string): string | undefined {
  const found = new RegExp(`<prompt name="${name}" version="\\d+">\\n([\\s\\S]*?)\\n</prompt>`).exec(request);
  return found?.[1];
}

/**
 * Answers an analysis like a model would: one edit to a real line of the current coding prompt
 * (the verification line, else its longest line) citing the sessions of the first theme, and one
 * edit whose before text is in no prompt.
 */
export function analysisScript(request: MessagesRequest): MessageReply {
  const text = firstUserText(request);
  const coding = promptText(text, "coding") ?? "";
  const lines = coding.split("\n").filter((l) => l.trim() !== "" && !l.includes("{{"));
  const before =
    lines.find((l) => l.includes("reading code is not verification")) ??
    lines.reduce((longest, l) => (l.length > longest.length ? l : longest), "");
  const theme = /^### (\S+):/m.exec(text)?.[1] ?? "verification";
  const sessionsLine = /^Sessions: (.*)$/m.exec(text)?.[1] ?? "";
  const evidence = [...sessionsLine.matchAll(/\bid (\d+)/g)].map((m) => Number(m[1]));
  const reply = {
    summary: `Sessions keep showing ${theme}; the coding prompt should ask for visible proof.`,
    proposals: [
      {
        prompt: "coding",
        theme,
        before,
        after: `${before} ${SCRIPTED_PROMPT_ADDITION}`,
        rationale: `The reviews of ${evidence.length} sessions found ${theme}.`,
        evidence,
        confidence: 0.8,
      },
      {
        prompt: "initializer",
        theme: "planning",
        before: SCRIPTED_MISSING_BEFORE,
        after: "Write each test's steps so a person can follow them.",
        rationale: "An edit to text the prompt does not hold.",
        evidence,
        confidence: 0.3,
      },
    ],
  };
  return textReply(
    `I grouped the findings and propose these edits.\n\n\`\`\`json\n${JSON.stringify(reply, null, 2)}\n\`\`\`\n`,
  );
}
