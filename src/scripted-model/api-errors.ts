import type { ErrorReply, ErrorStatus } from "./reply.ts";

/** Anthropic's error type for each HTTP status the scripted model can answer with. */
export const ERROR_TYPES = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
} as const satisfies Record<ErrorStatus, string>;

export type ApiErrorType = (typeof ERROR_TYPES)[ErrorStatus];

const DEFAULT_MESSAGES: Record<ErrorStatus, string> = {
  400: "Invalid request",
  401: "invalid x-api-key",
  403: "Permission denied",
  404: "Not found",
  413: "Request exceeds the maximum allowed number of bytes",
  429: "Rate limited (scripted)",
  500: "Internal server error (scripted)",
  529: "Overloaded (scripted)",
};

/** The JSON body of an API error, in Anthropic's shape. */
export interface ApiErrorBody {
  type: "error";
  error: { type: ApiErrorType; message: string };
  request_id: string;
}

export function errorBody(reply: ErrorReply, requestId: string): ApiErrorBody {
  return {
    type: "error",
    error: { type: ERROR_TYPES[reply.status], message: reply.message ?? DEFAULT_MESSAGES[reply.status] },
    request_id: requestId,
  };
}

/** The headers an error answer carries beside the content type. */
export function errorHeaders(reply: ErrorReply): Record<string, string> {
  const headers: Record<string, string> = {};
  if (reply.retryAfterSeconds !== undefined) headers["retry-after"] = String(reply.retryAfterSeconds);
  if (reply.shouldRetry !== undefined) headers["x-should-retry"] = String(reply.shouldRetry);
  return headers;
}
