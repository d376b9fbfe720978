import { describe, expect, it } from 'vitest';
// White-box: the classification of CouchDB endpoints is a pure function.
import { requiredAccess } from '../../server/src/core/couch/access-policy.js';

describe('requiredAccess', () => {
  it.each([
    ['GET', [], 'read'],
    ['HEAD', [], 'read'],
    ['POST', [], 'write'],
    ['PUT', [], 'admin'],
    ['DELETE', [], 'admin'],
    ['POST', ['_all_docs'], 'read'],
    ['POST', ['_bulk_get'], 'read'],
    ['POST', ['_revs_diff'], 'read'],
    ['POST', ['_find'], 'read'],
    ['POST', ['_changes'], 'read'],
    ['POST', ['_bulk_docs'], 'write'],
    ['PUT', ['_local', 'x'], 'write'],
    ['GET', ['_local', 'x'], 'read'],
    ['PUT', ['_security'], 'admin'],
    ['POST', ['_index'], 'admin'],
    ['GET', ['_design', 'mutual'], 'read'],
    ['POST', ['_design', 'mutual', '_view', 'v'], 'read'],
    ['PUT', ['_design', 'mutual'], 'admin'],
    ['COPY', ['_design', 'mutual'], 'admin'],
    ['POST', ['_purge'], 'admin'],
    ['POST', ['_temp_view'], 'admin'],
    ['POST', ['_compact'], 'admin'],
    ['GET', ['offer:1'], 'read'],
    ['PUT', ['offer:1'], 'write'],
    ['DELETE', ['offer:1', 'photo.png'], 'write'],
    ['COPY', ['offer:1'], 'write'],
  ] as const)('%s %j needs %s', (method, rest, access) => {
    expect(requiredAccess(method, [...rest])).toBe(access);
  });
});
