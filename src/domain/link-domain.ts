/**
 * Link domains of a provider's content settings (docs/CONTENT.md): a link in a template must point
 * to one of them or a subdomain. A host name as RFC 1123 §2.1 and RFC 1035 §2.3.4 write it: labels of
 * ASCII letters, digits and "-", neither first nor last character a "-", 1–63 characters each, at most
 * 253 in all; two labels or more (a single label is no public domain) under a top-level label of
 * letters or an IDN one in punycode (`xn--…`), which also keeps IP addresses out. A name in Chinese
 * characters is written in punycode (`例子.中国` is `xn--fsqu00a.xn--fiqs8s`), as a link's host is.
 *
 * Why a check of its own: ajv-formats' `hostname` (a dependency) is the same label rule but takes a
 * single label, a trailing dot and `1.2.3.4`, and it speaks no reason; a few lines say which rule a
 * name breaks, so an operator with a list of a hundred learns what to fix.
 */
const LABEL_CHARS = /^[a-z0-9-]+$/i;
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/i;
const ASCII = /^[\x00-\x7f]*$/;

/** Why `d` is not a link domain, or null when it is one. */
export function linkDomainFault(d: string): string | null {
  if (d === '') return 'it is empty';
  if (!ASCII.test(d)) return 'write a name in Chinese (or any non-ASCII) characters in punycode, e.g. xn--fsqu00a.xn--fiqs8s for 例子.中国';
  if (d.length > 253) return `it is ${d.length} characters, over 253`;
  const labels = d.split('.');
  if (labels.length < 2) return 'a domain has two labels or more, e.g. example.com';
  for (const l of labels) {
    if (l === '') return 'it has an empty label (a leading, trailing or doubled ".")';
    if (!LABEL_CHARS.test(l)) return `label "${l}" has a character other than letters, digits and "-" (no scheme, path, space, "_" or *)`;
    if (l.length > 63) return `label "${l.slice(0, 12)}…" is ${l.length} characters, over 63`;
    if (l.startsWith('-') || l.endsWith('-')) return `label "${l}" starts or ends with "-"`;
  }
  if (!TLD.test(labels[labels.length - 1])) return `the top-level label "${labels[labels.length - 1]}" is not one (letters, or xn--… for an IDN; no IP address)`;
  return null;
}
