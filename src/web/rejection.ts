/**
 * A use case's rejection as the pages say it: the message and the HTTP status the JSON API gives its
 * code (src/http/error-map.ts), worded for the public or for staff.
 */
import { SmsguardError } from '../domain/errors.js';
import { HTTP_STATUS } from '../http/error-map.js';
import type { Lang } from './i18n.js';
import { publicErrorText, staffErrorText, whyText, withRule } from './form-errors.js';

/**
 * A use case's rejection as a page shows it: the message with its code, and the status from the same
 * exhaustive table as the JSON API, so a page never answers 400 for what the API calls 403 or 404.
 * Anything else is a fault, rethrown to the error handler (500, logged).
 */
export function rejection(e: unknown): { message: string; status: number } {
  if (e instanceof SmsguardError) return { message: `${e.message} (${e.code})`, status: HTTP_STATUS[e.code] };
  throw e;
}

/**
 * {@link rejection} on the complaint and status pages: said to the complainant in the page's language
 * where it can be (the form's words for the field, else the use case's reason, e.g. why the case can
 * no longer be withdrawn).
 */
export function publicRejection(e: unknown, lang: Lang): { message: string; status: number } {
  const r = rejection(e);
  const why = whyText(lang, (e as SmsguardError).why);
  const said = publicErrorText(lang, e as SmsguardError) ?? (why === null ? r.message : `${why} (${(e as SmsguardError).code})`);
  return { ...r, message: withRule(lang, (e as SmsguardError).ref, said) };
}

/**
 * {@link rejection} on the staff pages: a field of the form by its label, in the page's language, where
 * the rejection names one. Both this and {@link publicRejection} end with the rule and article that
 * refused, when the rejection names them, as the API's body does.
 */
export function staffRejection(e: unknown, lang: Lang): { message: string; status: number } {
  const r = rejection(e);
  return { ...r, message: withRule(lang, (e as SmsguardError).ref, staffErrorText(lang, e as SmsguardError) ?? r.message) };
}
