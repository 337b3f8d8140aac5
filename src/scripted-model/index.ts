/**
 * The scripted model: an HTTP server speaking the Anthropic Messages API whose replies come from
 * a script, so the real Claude Agent SDK and its binary run whole sessions offline against it.
 * See docs/scripted-model.md.
 */
export { type ApiErrorBody, type ApiErrorType, ERROR_TYPES } from "./api-errors.ts";
export { scriptedModelEnv } from "./env.ts";
export type { Message, MessageBlock, Usage } from "./message.ts";
export {
  allToolResults,
  assistantTurns,
  firstUserText,
  lastToolResult,
  lastToolResults,
  lastUserText,
  offeredTools,
  type ToolResult,
  workingDirectory,
} from "./reading.ts";
export {
  type ErrorReply,
  type ErrorStatus,
  errorReply,
  isErrorReply,
  type MessageReply,
  type Reply,
  type ReplyBlock,
  type Script,
  type ScriptContext,
  type StopReason,
  type ToolCall,
  textReply,
  toolUseReply,
  type UsageOverride,
} from "./reply.ts";
export { MessagesRequest, RequestContentBlock, RequestMessage, RequestTool } from "./request.ts";
export {
  analysisScript,
  isAnalysisRequest,
  SCRIPTED_MISSING_BEFORE,
  SCRIPTED_PROMPT_ADDITION,
} from "./scripts/analysis.ts";
export { batonScript, coderScript, plannerScript } from "./scripts/baton.ts";
export { isReviewRequest, reviewerReply } from "./scripts/reviewer.ts";
export { type Step, sequence } from "./sequence.ts";
export {
  type RecordedRequest,
  type RequestKind,
  type ScriptedModel,
  type ScriptedModelOptions,
  startScriptedModel,
} from "./server.ts";
export { isMainRequest, sideReply } from "./side-requests.ts";
export { estimateInputTokens, estimateTokens, type InputTokens } from "./tokens.ts";
