/**
 * Keeps each process's compiled templates up to the shared store: with several gateway processes on
 * one PostgreSQL store (docs/SCALING.md), a template approved or rejected, a template mode set or a
 * link domain withdrawn through one process must bind the others too. Only the process that made the
 * change recompiles at once; every other one reads the settings and the approved templates every
 * {@link TEMPLATE_SYNC_MS} (wall clock, off the message path) and recompiles the providers whose
 * settings or approved set changed (`ContentGovernance.syncTemplates`). The lag is the one the
 * directory's cached rates have (10 s). A round that fails keeps what is compiled and is logged once
 * per outage. SQLite runs one process: nothing to do.
 */
import type { ContentGovernance } from './content-governance.js';
import { Heartbeat } from '../runtime/heartbeat.js';

/** How often a process reads the templates and settings others may have changed. */
export const TEMPLATE_SYNC_MS = 10_000;

export class TemplateSync {
  private readonly heart: Heartbeat;

  constructor(gov: ContentGovernance, onError: (e: unknown) => void, everyMs = TEMPLATE_SYNC_MS) {
    this.heart = new Heartbeat(everyMs, async () => {
      await gov.syncTemplates();
    }, onError);
  }

  start(): void {
    this.heart.start();
  }

  stop(): Promise<void> {
    return this.heart.stop();
  }
}
