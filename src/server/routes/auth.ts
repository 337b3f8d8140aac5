import rateLimit from "@fastify/rate-limit";
import { z } from "zod";
import { fail } from "../../errors.ts";
import type { Routes } from "../app.ts";

const Token = z.object({ access_token: z.string(), token_type: z.literal("bearer"), expires_in: z.number() });

/** Login (rate-limited per address) and token check. */
export const authRoutes: Routes = (app, deps) => {
  app.register(async (scoped) => {
    await scoped.register(rateLimit, {
      max: deps.config.auth.login_attempts_per_minute,
      timeWindow: 60_000,
      errorResponseBuilder: (_request, context) =>
        fail("BATON_TOO_MANY_REQUESTS", {
          retry_after_s: Math.ceil(context.ttl / 1000),
          reason: `too many login attempts: try again in ${Math.ceil(context.ttl / 1000)} s`,
        }),
    });
    scoped.withTypeProvider<import("fastify-type-provider-zod").ZodTypeProvider>().post(
      "/api/auth/login",
      {
        schema: {
          tags: ["auth"],
          summary: "Exchange the password for a token",
          body: z.object({ password: z.string().min(1) }),
          response: { 200: Token },
        },
      },
      async (request) => ({
        access_token: await deps.auth.login(request.body.password),
        token_type: "bearer" as const,
        expires_in: deps.auth.expiresIn,
      }),
    );
  });

  app.get(
    "/api/auth/verify",
    {
      schema: {
        tags: ["auth"],
        summary: "Whether the request's token is valid (always true without a password)",
        response: { 200: z.object({ ok: z.literal(true), auth: z.enum(["password", "none"]) }) },
      },
    },
    async () => ({ ok: true as const, auth: deps.auth.enabled ? ("password" as const) : ("none" as const) }),
  );
};
