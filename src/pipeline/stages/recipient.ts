/** The recipient is a mainland mobile number (records must name the receiving number, Art. 20). */
import type { Stage } from '../types.js';
import { MSISDN_FORMS } from '../../domain/msisdn.js';

export const recipientValid: Stage = {
  rule: 'recipient.msisdn',
  codes: ['invalid_msisdn'],
  run: ({ candidate }) =>
    candidate.to
      ? { outcome: 'pass' }
      : { outcome: 'fail', code: 'invalid_msisdn', message: `to is not a mainland China mobile number ${MSISDN_FORMS}` },
};
