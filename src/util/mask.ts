/** Hides the password of a URL (`postgres://u:secret@h/db` → `postgres://u:****@h/db`). */
export function maskUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, "$1:****@");
}
