/**
 * Shared by the store adapters: the record shapes they append and read back, and the indexed columns
 * derived from a record's body (port, type, decision, failing rule), so record filters never parse
 * JSON and both adapters index alike.
 */
import type { MoRecord, RecordRow } from '../ports/store.js';

/** A record as the adapters append it. */
export interface NewRecord {
  id: string;
  at: number;
  kind: RecordRow['kind'];
  contentProviderId: string | null;
  msisdn: string | null;
  /** The message or consent this record is about (for status history look-ups). */
  ref: string | null;
  body: Record<string, unknown>;
}

/** An MO's record (RecordStore.recordMo), also appended inside another transaction (a lift by reply). */
export function moRecordRow(mo: MoRecord): NewRecord {
  return { id: mo.id, at: mo.at, kind: 'mo', contentProviderId: mo.contentProviderId, msisdn: mo.from, ref: mo.id, body: { from: mo.from, to: mo.to, text: mo.text, action: mo.action } };
}

/** A stored record as the adapters read it back. */
export interface StoredRecord extends NewRecord {
  seq: number;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export type DerivedColumns = [port: string | null, type: string | null, decision: string | null, rule: string | null];

/**
 * `rulesOf` expands a compact verdict encoding's pipeline id (src/store/verdict-codec.ts) to its
 * rule list; it must answer synchronously (adapters register a pipeline before appending its records).
 */
export function derivedColumns(kind: string, body: Record<string, unknown>, rulesOf: (pipeline: string) => readonly string[] | null | undefined): DerivedColumns {
  const b = body as Record<string, any>;
  switch (kind) {
    case 'mt': {
      let rule: string | null = null;
      if (b.decision === 'rejected') {
        const v = b.verdicts;
        if (Array.isArray(v)) {
          for (const x of v) if (x && x.outcome === 'fail') { rule = String(x.rule); break; }
        } else if (v && typeof v.pipeline === 'string' && typeof v.outcomes === 'string') {
          const i = v.outcomes.indexOf('F');
          if (i >= 0) rule = rulesOf(v.pipeline)?.[i] ?? null;
        }
        if (!rule && b.code) rule = String(b.code);
      }
      return [str(b.from), str(b.type), str(b.decision), rule];
    }
    case 'mo': return [str(b.to), null, null, null];
    case 'subscription': return [null, str(b.event), null, null];
    case 'audit': return [null, str(b.action), null, null];
    default: return [null, null, null, null];
  }
}

/**
 * A stored body as reads return it: the JSON object it holds, or, when the stored value is not a
 * JSON object (a damaged or edited record: bytes that do not parse, a BLOB, `null`, an array),
 * `{ unreadable: <the stored text> }`. One such row must not fail a whole page of records, a message
 * view or an inspector's listing; it is shown as it is, and `records verify` names it.
 */
export function readBody(stored: unknown): Record<string, unknown> {
  let v: unknown = stored;
  if (typeof stored === 'string') {
    try {
      v = JSON.parse(stored);
    } catch {
      return { unreadable: stored };
    }
  } else if (stored instanceof Uint8Array) {
    return { unreadable: Buffer.from(stored).toString('utf8') };
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  return { unreadable: typeof stored === 'string' ? stored : JSON.stringify(stored) ?? String(stored) };
}
