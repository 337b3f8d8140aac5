/**
 * The spec files of a new project, received as multipart/form-data: every file part is written
 * to a temp folder (the folder is the spec createProject reads), every other part is a text
 * field. The whole body is always read to its end, and the first problem is thrown after it:
 * a spec that is not .md/.txt (415), a file or field past its limit (413), no file at all or
 * a repeated name (400). On any failure the temp folder is gone before the error is thrown.
 */
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { FastifyRequest } from "fastify";
import { type BatonError, fail, isBatonError } from "../errors.ts";
import { SPEC_EXTENSIONS } from "../projects/spec.ts";

/** The limits of a spec upload (the files' from `server.max_upload_kb`). */
export interface UploadLimits {
  fileBytes: number;
  files: number;
  fields: number;
  fieldBytes: number;
}

export function uploadLimits(maxUploadKb: number): UploadLimits {
  return { fileBytes: maxUploadKb * 1024, files: 20, fields: 20, fieldBytes: 10_000 };
}

/** The same limits as @fastify/multipart takes them. */
export function multipartLimits(limits: UploadLimits) {
  return {
    fileSize: limits.fileBytes,
    files: limits.files,
    fields: limits.fields,
    fieldSize: limits.fieldBytes,
    parts: limits.files + limits.fields,
  };
}

export interface SpecUpload {
  /** The text fields, by name. */
  fields: Record<string, string>;
  /** The temp folder holding the spec files (what createProject reads). */
  folder: string;
  files: { name: string; bytes: number }[];
  /** Removes the temp folder. */
  remove(): void;
}

/** Reads the request's multipart body; a request that is not multipart is a 415. */
export async function receiveSpecUpload(request: FastifyRequest, limits: UploadLimits): Promise<SpecUpload> {
  if (!request.isMultipart()) {
    throw fail("BATON_UNSUPPORTED_MEDIA_TYPE", {
      reason:
        "send the project as multipart/form-data: a name field and one or more spec files (.md or .txt)",
    });
  }
  const folder = mkdtempSync(join(tmpdir(), "baton-upload-"));
  const remove = () => rmSync(folder, { recursive: true, force: true });
  const fields: Record<string, string> = {};
  const files: { name: string; bytes: number }[] = [];
  let problem: BatonError | null = null;
  const note = (error: BatonError) => {
    problem ??= error;
  };
  try {
    try {
      for await (const part of request.parts()) {
        if (part.type === "field") {
          if (part.valueTruncated) {
            note(tooLarge(`the field ${part.fieldname} is longer than ${limits.fieldBytes} bytes`));
          } else if (Object.hasOwn(fields, part.fieldname)) {
            note(invalid(`the field ${part.fieldname} is given twice; give it once`));
          } else {
            fields[part.fieldname] = String(part.value);
          }
          continue;
        }
        const name = safeFileName(part.filename);
        const ext = extname(name).toLowerCase();
        if (problem !== null || !(SPEC_EXTENSIONS as readonly string[]).includes(ext)) {
          if (problem === null) {
            note(
              fail("BATON_UNSUPPORTED_MEDIA_TYPE", {
                file: part.filename,
                reason: `the spec file ${part.filename} is not a .md or .txt file; upload the spec as Markdown or plain text`,
              }),
            );
          }
          await drain(part.file);
          continue;
        }
        if (files.some((f) => f.name === name)) {
          note(invalid(`two spec files are named ${name}; give each file its own name`));
          await drain(part.file);
          continue;
        }
        let bytes = 0;
        part.file.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
        });
        await pipeline(part.file, createWriteStream(join(folder, name), { flags: "wx" }));
        if (part.file.truncated) {
          note(
            tooLarge(
              `the spec file ${part.filename} is larger than ${limits.fileBytes / 1024} KB (server.max_upload_kb)`,
              { file: part.filename, limit_kb: limits.fileBytes / 1024 },
            ),
          );
          continue;
        }
        files.push({ name, bytes });
      }
    } catch (error) {
      // A problem already noted says more than the parser's own error about the same part.
      if (problem === null) throw uploadError(error, limits);
    }
    if (problem !== null) throw problem;
    if (files.length === 0) {
      throw invalid("no spec file: attach one or more .md or .txt files (the spec field)");
    }
    return { fields, folder, files, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

/** The file's own name, with anything but letters, digits, space, dot, _ and - made a dash. */
function safeFileName(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? "";
  const cleaned = base
    .normalize("NFKD")
    .replace(/[^\w. -]+/g, "-")
    .replace(/^[.\s-]+/, "")
    .slice(-200);
  return cleaned === "" || cleaned.startsWith(".") ? "spec" : cleaned;
}

async function drain(stream: NodeJS.ReadableStream): Promise<void> {
  await pipeline(stream, new Writable({ write: (_chunk, _encoding, done) => done() }));
}

function invalid(reason: string): BatonError {
  return fail("BATON_VALIDATION", { reason });
}

function tooLarge(reason: string, data?: { file?: string; limit_kb?: number }): BatonError {
  return fail("BATON_PAYLOAD_TOO_LARGE", { reason, ...data });
}

/** @fastify/multipart's errors (limits, malformed bodies) as Baton's. */
function uploadError(error: unknown, limits: UploadLimits): unknown {
  if (isBatonError(error)) return error;
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case "FST_REQ_FILE_TOO_LARGE":
      return tooLarge(`a spec file is larger than ${limits.fileBytes / 1024} KB (server.max_upload_kb)`);
    case "FST_FILES_LIMIT":
      return tooLarge(`too many files: at most ${limits.files}`);
    case "FST_FIELDS_LIMIT":
      return tooLarge(`too many fields: at most ${limits.fields}`);
    case "FST_PARTS_LIMIT":
      return tooLarge(`too many parts: at most ${limits.files + limits.fields}`);
    default:
      // A system call that failed (writing the temp file) is the server's problem; anything
      // else (a bad boundary, a body cut short, a malformed part) is the request's.
      if (error instanceof Error && !("syscall" in error)) {
        return invalid(`the multipart body could not be read: ${error.message}`);
      }
      return error;
  }
}
