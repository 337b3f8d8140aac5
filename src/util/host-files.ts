/**
 * Baton's own file work in a folder a session can write (a project): every path is contained
 * and no link is followed. A session may have replaced any file or folder there with a symlink
 * (to `~/.ssh/authorized_keys`, say), a FIFO or a huge file, so:
 *
 * - files are opened with O_NOFOLLOW (a link in the last component is refused, not followed) and
 *   O_NONBLOCK (a FIFO cannot hang the read), and must be regular files of a bounded size;
 * - where the descriptor really points is checked after the open (`/proc/self/fd` on Linux), so
 *   a folder on the way that is a link out of the root is caught, race or not;
 * - writes go to a new temp file beside the target (O_EXCL, so nothing planted is reused), then
 *   replace it by rename, which replaces a link instead of writing through it.
 *
 * Refusals are BATON_PROJECT_FILE_UNSAFE errors that name the file and say how to fix it.
 */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  fsyncSync,
  openSync,
  readlinkSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import { type BatonError, fail } from "../errors.ts";

const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

function unsafe(root: string, name: string, why: string): BatonError {
  return fail("BATON_PROJECT_FILE_UNSAFE", {
    file: name,
    reason: `${name} in ${root} ${why}; Baton does not follow links or read special files there: replace it with a regular file`,
  });
}

/** Where an open descriptor really points, or null where the platform cannot say. */
function descriptorPath(fd: number): string | null {
  if (process.platform !== "linux") return null;
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return null;
  }
}

function isStrictlyInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/**
 * Refuses (BATON_PROJECT_DIRECTORY_MISSING, 409 everywhere) when a project's folder is gone: a
 * session, a review or an edit of its files has nowhere to work.
 */
export function assertProjectDirectory(project: { name: string; directory: string }): void {
  if (existsSync(project.directory)) return;
  throw fail("BATON_PROJECT_DIRECTORY_MISSING", { project: project.name, directory: project.directory });
}

/** The real path of `root`; BATON_PROJECT_DIRECTORY_MISSING when it is gone. */
export function realRoot(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    throw fail("BATON_PROJECT_DIRECTORY_MISSING", { directory: root });
  }
}

/**
 * Refuses (BATON_PROJECT_UNWRITABLE, naming the folder and why) unless a file can be made in
 * `root`: tried for real with a probe file, removed again, since permissions alone do not say
 * (root ignores them; an immutable or read-only-mounted folder still refuses).
 */
export function assertWritable(root: string): void {
  const probe = path.join(realRoot(root), `.baton-write-check-${randomBytes(6).toString("hex")}`);
  try {
    closeSync(openSync(probe, CREATE_FLAGS, 0o600));
    rmSync(probe, { force: true });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw fail("BATON_PROJECT_UNWRITABLE", { directory: root, reason: why });
  }
}

/**
 * Opens `name` (relative to `root`) for reading, contained and without following links; null
 * when there is nothing there. The caller closes the descriptor.
 */
function openContained(root: string, name: string): number | null {
  const real = realRoot(root);
  const file = path.join(real, name);
  if (!isStrictlyInside(file, real)) throw unsafe(root, name, "is not inside the project");
  let fd: number;
  try {
    fd = openSync(file, READ_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    if (code === "ELOOP") throw unsafe(root, name, "is a symbolic link");
    if (code === "ENOTDIR") return null;
    throw error;
  }
  const where = descriptorPath(fd) ?? realpathSync(file);
  if (!isStrictlyInside(where, real)) {
    closeSync(fd);
    throw unsafe(root, name, `leads outside the project (to ${where})`);
  }
  return fd;
}

/**
 * The text of the regular file `name` inside `root`, or null when there is none. Refused: a
 * link, anything but a regular file, a path that leads out of `root`, a file over `maxBytes`.
 */
export function readContainedFile(root: string, name: string, maxBytes: number): string | null {
  const fd = openContained(root, name);
  if (fd === null) return null;
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw unsafe(root, name, "is not a regular file");
    if (stat.size > maxBytes) {
      throw fail("BATON_PAYLOAD_TOO_LARGE", {
        file: name,
        limit_bytes: maxBytes,
        reason: `${name} in ${root} is ${stat.size} bytes; the limit is ${maxBytes}`,
      });
    }
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces the file `name` inside `root` with `content`: written to a new temp file beside it,
 * then renamed over it (a link in its place is replaced, never written through). The folder it
 * goes in must lie inside `root` once its links are resolved.
 */
export function writeContainedFile(root: string, name: string, content: string, mode = 0o644): void {
  const real = realRoot(root);
  const target = path.join(real, name);
  if (!isStrictlyInside(target, real)) throw unsafe(root, name, "is not inside the project");
  let dir: string;
  try {
    dir = realpathSync(path.dirname(target));
  } catch {
    throw unsafe(root, name, "is in a folder that does not exist");
  }
  if (dir !== real && !isStrictlyInside(dir, real)) {
    throw unsafe(root, name, `is in a folder that leads outside the project (to ${dir})`);
  }
  const temp = path.join(dir, `${path.basename(target)}.${randomBytes(6).toString("hex")}.baton-tmp`);
  let fd: number | null = openSync(temp, CREATE_FLAGS, mode);
  try {
    const where = descriptorPath(fd);
    if (where !== null && !isStrictlyInside(where, real)) {
      throw unsafe(root, name, `is in a folder that leads outside the project (to ${path.dirname(where)})`);
    }
    const bytes = Buffer.from(content, "utf8");
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(temp, path.join(dir, path.basename(target)));
  } catch (error) {
    if (fd !== null) closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
}
