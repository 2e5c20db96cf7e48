import { SmsguardError } from '../../src/domain/errors.js';

/** What a use case's promise ends in: `ok`, or the code it was refused with (anything else is thrown on). */
export async function refusalCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof SmsguardError) return e.code;
    throw e;
  }
}
