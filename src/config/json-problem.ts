/**
 * What is wrong with a configuration file that is not JSON, said without quoting it. V8's own
 * message quotes the text around the fault (`Unexpected token ',', "…"password":"s3cret",}…" is not
 * valid JSON`), and a refusal goes to stderr, so to journals and CI logs: the upstream file holds the
 * carrier links' passwords. The position is given as a line and column instead, which an operator's
 * editor goes to.
 */

/** What follows `not JSON`: ` at line L, column C: <V8's reason>` when V8 gave a position, else `: <its reason>` with any quotation dropped. */
export function jsonProblem(e: Error, text: string): string {
  const m = e.message;
  const at = / in JSON at position (\d+)/.exec(m);
  if (at) {
    const pos = Number(at[1]);
    const before = text.slice(0, pos);
    const line = before.split('\n').length;
    const column = pos - before.lastIndexOf('\n');
    return ` at line ${line}, column ${column}: ${m.slice(0, at.index)}`;
  }
  // `Unexpected token 'x', "<the text around it>" is not valid JSON`: the token is one character
  return `: ${m.replace(/, ".*" is not valid JSON$/s, '').replace(/ is not valid JSON$/, '')}`;
}
