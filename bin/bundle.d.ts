import type { Plugin } from 'esbuild';
/** esbuild plugin: every TypeScript source keeps its own `import.meta.url` inside a bundle. */
export declare const ownImportMetaUrl: Plugin;
/** The file URL of an up-to-date bundle of src/main.ts (built if needed), or null: run through tsx. */
export declare function mainBundle(dir?: string): Promise<string | null>;
