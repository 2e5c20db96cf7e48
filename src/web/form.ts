/** The pages' posted forms: a urlencoded body as fields, read as one value or as every value. */

export type Form = Record<string, string | string[]>;

/**
 * A urlencoded body as fields. The object has no prototype: a field named `toString` or `constructor`
 * (a form anyone can post) must not find Object.prototype's member as a value already there.
 */
export function parseForm(body: string): Form {
  const out: Form = Object.create(null) as Form;
  for (const [k, v] of new URLSearchParams(body)) {
    const cur = out[k];
    if (cur === undefined) out[k] = v;
    else out[k] = Array.isArray(cur) ? [...cur, v] : [cur, v];
  }
  return out;
}

/** A field's value; its first where it was sent more than once, '' where it was not. */
export const one = (f: Form | undefined, k: string): string => {
  const v = f?.[k];
  return Array.isArray(v) ? v[0] ?? '' : v ?? '';
};
/** Every value sent for a field (each ticked box of a group). */
export const many = (f: Form | undefined, k: string): string[] => {
  const v = f?.[k];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};
