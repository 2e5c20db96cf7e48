/** Prometheus metrics of content governance: alerts raised and automatic actions in force. */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { AlertRow } from '../ports/content.js';
import type { ActionBook } from '../content/early-warning.js';

/** Registers the metrics; returns the `onAlert` hook ContentGovernance calls for every alert. */
export function contentMetrics(registry: Registry, actions: ActionBook): (a: AlertRow) => void {
  const alerts = new Counter({ name: 'smsguard_early_warning_alerts_total', help: 'Early-warning alerts raised', labelNames: ['rule', 'metric', 'severity', 'action'], registers: [registry] });
  new Gauge({
    name: 'smsguard_early_warning_actions_active',
    help: 'Automatic early-warning actions in force',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of actions.list()) if (r.liftedAt === undefined) this.inc({ kind: r.action.kind });
    },
  });
  return (a) => alerts.inc({ rule: a.rule, metric: a.metric, severity: a.severity, action: a.action.kind });
}
