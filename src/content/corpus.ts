/**
 * The labelled SMS corpus (data/content/sms-corpus.tsv): realistic Chinese SMS across verification,
 * notification, commercial and public-welfare messages, with a fixed train / held-out split assigned by
 * scripts/content-corpus-split.ts. The classifier learns `commercial` vs everything else (`service`).
 */
import type { MessageType } from '../domain/message-type.js';

export type CorpusSplit = 'train' | 'heldout';

/** One labelled message. */
export interface CorpusRow {
  id: string;
  split: CorpusSplit;
  type: MessageType;
  sector: string;
  text: string;
}

const TYPES: readonly string[] = ['verification', 'notification', 'commercial', 'public_welfare'];

/** Parse the corpus TSV (header `id split type sector text`). Throws on a malformed row, naming it. */
export function parseCorpus(tsv: string): CorpusRow[] {
  const lines = tsv.split('\n').filter((l) => l.trim() !== '');
  const header = lines.shift();
  if (header !== 'id\tsplit\ttype\tsector\ttext') throw new Error(`corpus: unexpected header ${JSON.stringify(header)}`);
  return lines.map((line, i) => {
    const [id, split, type, sector, ...rest] = line.split('\t');
    const text = rest.join('\t');
    if (!id || (split !== 'train' && split !== 'heldout') || !TYPES.includes(type) || !text) {
      throw new Error(`corpus: malformed row ${i + 2}`);
    }
    return { id, split, type: type as MessageType, sector, text };
  });
}

/** The binary label the classifier learns: does the message advertise? */
export function isCommercial(row: Pick<CorpusRow, 'type'>): boolean {
  return row.type === 'commercial';
}
