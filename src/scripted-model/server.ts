import http from "node:http";
import type { AddressInfo } from "node:net";
import { scriptedModelEnv } from "./env.ts";
import { buildMessage } from "./message.ts";
import { offeredTools } from "./reading.ts";
import { isErrorReply, newId, type Reply, type Script } from "./reply.ts";
import { type MessagesRequest, parseMessagesRequest } from "./request.ts";
import { sendError, sendJson, sendStream } from "./respond.ts";
import { isMainRequest, sideReply } from "./side-requests.ts";
import { estimateInputTokens, type InputTokens } from "./tokens.ts";

/**
 * What a request was: the agent's conversation (`main`), a side request of the binary (`side`,
 * see side-requests.ts), a token count, a body that could not be read, or a route the server lacks.
 */
export type RequestKind = "main" | "side" | "count_tokens" | "bad_request" | "not_found";

/** One HTTP request the scripted model received, as tests assert on it. */
export interface RecordedRequest {
  at: Date;
  method: string;
  /** The path as sent, query included (the binary sends `/v1/messages?beta=true`). */
  path: string;
  headers: http.IncomingHttpHeaders;
  kind: RequestKind;
  /** The request's model (undefined when the body could not be read). */
  model: string | undefined;
  streamed: boolean;
  /** The estimate of the request's input (see tokens.ts); undefined when the body could not be read. */
  inputTokens: InputTokens | undefined;
  toolNames: string[];
  /** The raw body. */
  body: string;
  /** The parsed body, when it was a valid Messages request. */
  request: MessagesRequest | undefined;
  /** The HTTP status answered (0 until the answer is sent). */
  status: number;
  /** The message of an exception the script threw (answered as a 500 that tells clients not to retry). */
  scriptError?: string;
}

export interface ScriptedModelOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: "127.0.0.1";
  /** Opts in to answering side requests; by default they get `sideReply` and never reach the script. */
  sideScript?: Script;
  /** Replaces the main/side rule of side-requests.ts. */
  isMain?: (request: MessagesRequest) => boolean;
}

export interface ScriptedModel {
  /** `http://127.0.0.1:PORT`, for ANTHROPIC_BASE_URL. */
  url: string;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  setScript(script: Script): void;
  /** The environment an SDK process needs to use this server (see env.ts). */
  env(): Record<string, string>;
  close(): Promise<void>;
}

/** Starts an HTTP server speaking the Anthropic Messages API, answering from `script`. */
export async function startScriptedModel(
  script: Script,
  options: ScriptedModelOptions = {},
): Promise<ScriptedModel> {
  const requests: RecordedRequest[] = [];
  const asked = { main: 0, side: 0 };
  const isMain = options.isMain ?? isMainRequest;
  let current = script;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<void> {
    const record = recordOf(req, body);
    requests.push(record);
    const requestId = newId("req");
    const [pathname] = record.path.split("?");
    const route = req.method === "POST" ? pathname : undefined;
    if (route !== "/v1/messages" && route !== "/v1/messages/count_tokens") {
      const message = `${record.method} ${pathname} is not served by the scripted model`;
      record.status = sendError(res, { status: 404, message }, requestId);
      return;
    }
    const parsed = parseMessagesRequest(body);
    if (!parsed.ok) {
      record.kind = "bad_request";
      record.status = sendError(res, { status: 400, message: parsed.message }, requestId);
      return;
    }
    const request = parsed.request;
    const inputTokens = estimateInputTokens(request);
    Object.assign(record, { request, model: request.model, inputTokens, toolNames: offeredTools(request) });
    if (route === "/v1/messages/count_tokens") {
      record.kind = "count_tokens";
      record.status = sendJson(res, 200, { input_tokens: inputTokens.total }, requestId);
      return;
    }

    record.kind = isMain(request) ? "main" : "side";
    record.streamed = request.stream === true;
    let reply: Reply;
    try {
      reply = await replyTo(request, record.kind);
    } catch (error) {
      record.scriptError = error instanceof Error ? error.message : String(error);
      const message = `scripted model: the script threw: ${record.scriptError}`;
      record.status = sendError(res, { status: 500, message, shouldRetry: false }, requestId);
      return;
    }
    if (isErrorReply(reply)) {
      record.status = sendError(res, reply, requestId);
      return;
    }
    const message = buildMessage(reply, request.model, inputTokens.total);
    record.status = record.streamed
      ? sendStream(res, message, requestId)
      : sendJson(res, 200, message, requestId);
  }

  async function replyTo(request: MessagesRequest, kind: "main" | "side"): Promise<Reply> {
    const index = asked[kind]++;
    if (kind === "main") return current(request, { kind, index });
    return options.sideScript ? options.sideScript(request, { kind, index }) : sideReply(request);
  }

  const server = http.createServer((req, res) => {
    readBody(req)
      .then((body) => handle(req, res, body))
      .catch((error: unknown) => {
        // A reply the server could not write (a script outside the types): say so, never hang.
        if (res.headersSent) return res.destroy();
        const message = `scripted model: ${error instanceof Error ? error.message : String(error)}`;
        sendError(res, { status: 500, message, shouldRetry: false }, newId("req"));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address}:${port}`;

  return {
    url,
    requests,
    setScript(next) {
      current = next;
    },
    env: () => scriptedModelEnv({ url }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function recordOf(req: http.IncomingMessage, body: string): RecordedRequest {
  return {
    at: new Date(),
    method: req.method ?? "GET",
    path: req.url ?? "/",
    headers: req.headers,
    kind: "not_found",
    model: undefined,
    streamed: false,
    inputTokens: undefined,
    toolNames: [],
    body,
    request: undefined,
    status: 0,
  };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
