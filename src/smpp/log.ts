/**
 * How the SMPP pieces (server, client links, the client's thread, stored deliveries) tell the
 * operator what happened. Most of what they say is something to look at (a refused bind, a receipt
 * not recorded, a link down), so a line is a warning unless it says otherwise; a link coming up is
 * news, not a warning.
 */
export type SmppLog = (msg: string, fields?: Record<string, unknown>, level?: 'info' | 'warn') => void;
