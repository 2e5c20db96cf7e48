/**
 * A URL, or a comma-separated list of them, fit to print: each `//user:password@` as `//user:***@`.
 * Refusals and banners go to stderr and stdout, and from there to journals, container logs and CI:
 * a carrier link's password (`smpp://…`) or the bus's (`nats://…`) must not go with them. Works on
 * text no URL parser takes too (a malformed `--upstream` is refused by quoting it).
 */
export function withoutPassword(urls: string): string {
  return urls.replace(/(\/\/[^:/@,\s]*):[^@,\s]*@/g, '$1:***@');
}
