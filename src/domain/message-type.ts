/**
 * Message classes of docs/REGULATION.md. Only `commercial` needs consent and may advertise.
 */
export const MESSAGE_TYPES = ['verification', 'notification', 'commercial', 'public_welfare'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** Port kinds: a service port must not carry commercial messages and vice versa (port separation). */
export const PORT_KINDS = ['service', 'commercial', 'public_welfare'] as const;
export type PortKind = (typeof PORT_KINDS)[number];

/**
 * Which message types a port of each kind may carry (issue 2's `port_kind_mismatch` row): no
 * commercial message on a service port, no service type (verification, notification) on a
 * commercial port, nothing but public welfare on a public-welfare port. A public-welfare message
 * (an emergency warning, a government notice) may go out from any port.
 */
export const PORT_KIND_ALLOWS: Readonly<Record<PortKind, readonly MessageType[]>> = {
  service: ['verification', 'notification', 'public_welfare'],
  commercial: ['commercial', 'public_welfare'],
  public_welfare: ['public_welfare'],
};

export function isMessageType(x: unknown): x is MessageType {
  return typeof x === 'string' && (MESSAGE_TYPES as readonly string[]).includes(x);
}
export function isPortKind(x: unknown): x is PortKind {
  return typeof x === 'string' && (PORT_KINDS as readonly string[]).includes(x);
}
