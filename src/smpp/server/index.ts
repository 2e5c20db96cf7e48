export * from './server.js';
export * from './credentials.js';
export * from './translate.js';
export * from './reassembly.js';
export * from './deliver-pdus.js';
