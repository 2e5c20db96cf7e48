/**
 * One brand, one holder: a signature's text stands registered once (the partial unique index of
 * SQLite migration 121 / PostgreSQL 117 over rows neither revoked nor rejected). A rejected
 * application gives the text up; approving it after all (or putting it back to pending) while
 * another registration of the text stands would make two holders, and is refused as the conflict a
 * second registration is. Shared by both adapters' status changes (the directory's and the review's).
 */
import { SmsguardError } from '../domain/errors.js';

export function signatureStandsElsewhere(): SmsguardError {
  return new SmsguardError('conflict', 'signature: its text has been registered to a content provider since this application was rejected; that registration must be revoked first', {}, 'signature');
}
