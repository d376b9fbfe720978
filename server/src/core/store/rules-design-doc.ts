import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { serverUserContext } from '@mutual/schema';
import type { Database } from './pouchdb.js';

export const RULES_DESIGN_DOC_ID = '_design/mutual';

export interface RulesDesignDoc {
  _id: string;
  _rev?: string;
  language: 'javascript';
  validate_doc_update: string;
  mutual: { rulesHash: string };
}

/**
 * zod ships messages in forty languages; the design document needs English only. Its JSON
 * Schema reader is never used by a validation function either.
 */
const englishOnlyZod: Plugin = {
  name: 'english-only-zod',
  setup(bundler) {
    bundler.onResolve({ filter: /\/locales\/index\.js$/ }, (args) => ({
      path: path.join(path.dirname(args.importer), '..', 'locales', 'en.js'),
    }));
  },
};

/**
 * Bundles `validateDocUpdate` of `@mutual/schema` into one self-contained function source:
 * an expression that sets up the rules once and yields CouchDB's validate function.
 */
export async function compileRulesDesignDoc(): Promise<RulesDesignDoc> {
  const entry = fileURLToPath(import.meta.resolve('@mutual/schema/validate-doc-update-entry'));
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    write: false,
    format: 'iife',
    globalName: 'rules',
    target: 'es2019',
    platform: 'neutral',
    plugins: [englishOnlyZod],
  });
  const bundle = result.outputFiles[0]?.text ?? '';
  const source =
    `(function () {\n${bundle}\nreturn function (newDoc, oldDoc, userCtx, secObj) {\n` +
    `  return rules.validateDocUpdate(newDoc, oldDoc, userCtx, secObj);\n};\n})()`;
  const rulesHash = createHash('sha256').update(source).digest('hex');
  return {
    _id: RULES_DESIGN_DOC_ID,
    language: 'javascript',
    validate_doc_update: source,
    mutual: { rulesHash },
  };
}

/** Installs the rules in a group database, or upgrades them when they changed. */
export async function installRules(db: Database, designDoc: RulesDesignDoc): Promise<boolean> {
  const current = (await db.get(RULES_DESIGN_DOC_ID).catch(() => undefined)) as RulesDesignDoc | undefined;
  if (current?.mutual?.rulesHash === designDoc.mutual.rulesHash) return false;
  await db.put({ ...designDoc, _rev: current?._rev } as never, { userCtx: serverUserContext } as never);
  return true;
}
