/**
 * The lexicon shipped with smsguard (data/content/lexicon.json), compiled on first use.
 * Operators extend it with files of the same shape through {@link mergeLexicons}.
 */
import data from '../../data/content/lexicon.json' with { type: 'json' };
import { compileLexicon, type CompiledLexicon, type LexiconData } from './lexicon.js';

/** The shipped lexicon data (read-only). */
export const DEFAULT_LEXICON_DATA: LexiconData = data as LexiconData;

let compiled: CompiledLexicon | undefined;

/** The shipped lexicon, compiled once per process. */
export function defaultLexicon(): CompiledLexicon {
  if (!compiled) compiled = compileLexicon(DEFAULT_LEXICON_DATA);
  return compiled;
}
