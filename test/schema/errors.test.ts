import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCatalogue, errorCodes, errors, MutualError } from '@mutual/schema';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('the error catalogue', () => {
  it.each(errorCodes)('%s is documented in the README with its status and CouchDB name', (code) => {
    const { status, couch } = errorCatalogue[code];
    expect(readme).toContain(`| \`${code}\` | ${status} | \`${couch}\` |`);
  });

  it('has a factory for every code, each making an error of that code', () => {
    const made = Object.values(errors).map((factory) => (factory as (d?: unknown) => MutualError)([]).code);
    expect(new Set(made)).toEqual(new Set(errorCodes));
  });
});
