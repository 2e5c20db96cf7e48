/** Pure SMPP session layer: state machine, rate limiter, response builders. No sockets, no clock. */
export * from './session.js';
export * from '../../domain/rate-limiter.js';
export * from './responses.js';
