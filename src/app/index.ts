export { App, type AppDeps } from './app.js';
export * from './types.js';
export { DeliveryWorker, type DeliveryOptions } from './delivery.js';
export type { AppContext, AllEvents } from './context.js';
