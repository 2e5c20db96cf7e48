/**
 * The content-governance files an operator gives in the environment (docs/CONTENT.md): read at start
 * beside the configuration schema, and refused the same way, each problem naming its variable.
 */
import { loadContentFiles, ContentFilesError, type ContentFileSource, type LoadedContentOptions } from '../content/load.js';
import { ConfigError } from './schema.js';

const VARIABLE: Record<ContentFileSource, string> = {
  lexicon: 'SMSGUARD_CONTENT_LEXICON',
  policy: 'SMSGUARD_EARLY_WARNING_POLICY',
  threshold: 'SMSGUARD_CONTENT_THRESHOLD',
};

/** Loads the files the variables name; throws ConfigError with one line per problem, its variable first. */
export function loadContentConfig(env: NodeJS.ProcessEnv): LoadedContentOptions {
  try {
    return loadContentFiles({
      lexiconFiles: (env.SMSGUARD_CONTENT_LEXICON ?? '').split(',').map((x) => x.trim()).filter(Boolean),
      policyFile: env.SMSGUARD_EARLY_WARNING_POLICY || undefined,
      threshold: env.SMSGUARD_CONTENT_THRESHOLD,
    });
  } catch (e) {
    if (e instanceof ContentFilesError) throw new ConfigError(e.problems.map((p) => `${VARIABLE[p.source]}: ${p.message}`));
    throw new ConfigError([(e as Error).message]);
  }
}
