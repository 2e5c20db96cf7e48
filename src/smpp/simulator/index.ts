export * from './simulator-server.js';
