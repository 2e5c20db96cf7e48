export * from './upstream.js';
export * from './link.js';
export * from './esme.js';
export * from './config.js';
export * from './id-index.js';
export * from './retry-policy.js';
export * from './threaded-upstream.js';
export * from './link-session.js';
