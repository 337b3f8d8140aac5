/**
 * Every error the API answers with is `{ code, message, data? }`: Baton's own errors with their
 * catalog status, a request that does not match its schema as 400 BATON_VALIDATION, Fastify's
 * client errors (bad JSON, too large, wrong content type) as their 4xx, and anything else as a
 * logged 500 BATON_INTERNAL that says nothing of the internals.
 */
import type { FastifyError, FastifyInstance } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { type ErrorCode, fail, isBatonError } from "../errors.ts";

export interface ApiError {
  code: ErrorCode;
  message: string;
  data?: Record<string, unknown>;
}

/** Fastify's own client errors, by status, as Baton codes. */
const CLIENT_ERROR_CODES: Record<number, ErrorCode> = {
  400: "BATON_VALIDATION",
  401: "BATON_UNAUTHORIZED",
  403: "BATON_FORBIDDEN",
  404: "BATON_NOT_FOUND",
  413: "BATON_PAYLOAD_TOO_LARGE",
  415: "BATON_UNSUPPORTED_MEDIA_TYPE",
  429: "BATON_TOO_MANY_REQUESTS",
};

/** The API form of any error, with its HTTP status. */
export function toApiError(error: unknown): { status: number; body: ApiError } {
  if (isBatonError(error)) return { status: error.status, body: error.toJSON() };
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => ({
      where: `${error.validationContext ?? "request"}${v.instancePath.replaceAll("/", ".")}`,
      message: v.message ?? "is invalid",
    }));
    const invalid = fail("BATON_VALIDATION", {
      issues,
      reason: issues.map((i) => `${i.where}: ${i.message}`).join("; "),
    });
    return { status: invalid.status, body: invalid.toJSON() };
  }
  const status = (error as FastifyError | undefined)?.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return {
      status,
      body: { code: CLIENT_ERROR_CODES[status] ?? "BATON_VALIDATION", message: (error as Error).message },
    };
  }
  return { status: 500, body: fail("BATON_INTERNAL", {}).toJSON() };
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toApiError(error);
    if (status >= 500) request.log.error({ err: error }, "request failed");
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(
        fail("BATON_NOT_FOUND", { method: request.method, path: request.url.split("?")[0] ?? "" }).toJSON(),
      ),
  );
}
