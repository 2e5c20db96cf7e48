/**
 * Port separation (2020 draft; cn-2026): no commercial message on a service port, no verification
 * or notification message on a commercial port, nothing but public welfare on a public-welfare port
 * (domain/message-type.ts PORT_KIND_ALLOWS). Public-welfare messages may use any port.
 */
import { PORT_KIND_ALLOWS } from '../../domain/message-type.js';
import type { Stage } from '../types.js';

export const portKindMatches: Stage = {
  rule: 'port.separation',
  codes: ['port_kind_mismatch'],
  run: ({ facts, candidate, profile }) => {
    if (!profile.params.portSeparation.value) return { outcome: 'skip', note: 'port separation off' };
    const port = facts.port;
    if (!port) return { outcome: 'skip' };
    if (PORT_KIND_ALLOWS[port.kind].includes(candidate.type)) return { outcome: 'pass' };
    return {
      outcome: 'fail',
      code: 'port_kind_mismatch',
      message: `a ${port.kind} port may not carry ${candidate.type} messages`,
    };
  },
};
