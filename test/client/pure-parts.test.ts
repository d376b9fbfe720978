import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balanceOf, collectionLayout, collectionNames, rxSchemaOf, transferViews, type Stored } from '@mutual/client';
import { documentTypes, type AccountDocument, type LedgerDocument, type TransferDocument } from '@mutual/schema';
import { fillWithDefaultSettings } from 'rxdb';
import { getValidator } from 'rxdb/plugins/validate-ajv';

const at = '2026-01-01T00:00:00.000Z';
const base = (type: string, author = 'alice') => ({ type, schema: 1, createdAt: at, updatedAt: at, author });
const local = (dbName: string, docId: string, syncState: 'new' | 'synced' | 'rejected' = 'synced') => ({ key: `${dbName}|${docId}`, dbName, docId, syncState });

function transfer(id: string, amount: number, syncState: 'new' | 'synced' | 'rejected' = 'synced', kind: 'payment' | 'request' = 'payment'): Stored<TransferDocument> {
  return { ...base('transfer'), payer: 'ALICE001', payee: 'BOB00001', amount, memo: '', kind, ...local('group-g', `transfer:${id}`, syncState) };
}

function outcome(id: string, amount: number, sequence: number, payerAfter: number): Stored<LedgerDocument> {
  return {
    ...base('ledger', 'mutual:server'), transfer: id, payer: 'ALICE001', payee: 'BOB00001', amount, status: 'committed', sequence,
    balances: { payer: payerAfter, payee: -payerAfter }, ...local('group-g', `ledger:${id}`),
  };
}

const account: AccountDocument = {
  ...base('account', 'mutual:server'), code: 'ALICE001', owner: 'alice', balance: 0, creditLimit: 1000, status: 'active',
  settings: { allowPayments: true, allowPaymentRequests: true, acceptPaymentsAutomatically: false, acceptPaymentsWhitelist: [] },
};

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('transfer views and balances', () => {
  it('derive new, pending, committed and refused states, and the balance from the latest committed outcome', () => {
    const documents = {
      transfers: [transfer(uuid(1), 100), transfer(uuid(2), 50), transfer(uuid(3), 20, 'new'), transfer(uuid(4), 5, 'rejected')],
      accepts: [], cancels: [],
      outcomes: [outcome(uuid(1), 100, 7, -100), outcome(uuid(2), 50, 8, -150)],
    };
    const views = transferViews(documents);
    expect(Object.fromEntries(views.map((view) => [view.id, view.state]))).toEqual({
      [uuid(1)]: 'committed', [uuid(2)]: 'committed', [uuid(3)]: 'new', [uuid(4)]: 'rejected',
    });
    expect(balanceOf('ALICE001', account, documents.outcomes, views)).toEqual({
      account: 'ALICE001', committed: -150, pendingOutgoing: 20, pendingIncoming: 0, available: -150 - 20 + 1000,
    });
  });

  it('count a request as outgoing only once its payer accepted it, and a cancelled one not at all', () => {
    const documents = {
      transfers: [transfer(uuid(1), 10, 'synced', 'request'), transfer(uuid(2), 20, 'synced', 'request'), transfer(uuid(3), 40)],
      accepts: [{ ...base('transfer-accept'), transfer: uuid(2), ...local('group-g', `transfer-accept:${uuid(2)}`) }],
      cancels: [{ ...base('transfer-cancel'), transfer: uuid(3), ...local('group-g', `transfer-cancel:${uuid(3)}`) }],
      outcomes: [],
    };
    expect(balanceOf('ALICE001', account, [], transferViews(documents)).pendingOutgoing).toBe(20);
  });

  it('do not depend on the order in which replication delivered the documents', () => {
    const transfers = Array.from({ length: 6 }, (_, i) => transfer(uuid(i + 1), (i + 1) * 10, i % 3 === 2 ? 'new' : 'synced'));
    const outcomes = [outcome(uuid(1), 10, 3, -10), outcome(uuid(2), 20, 4, -30), outcome(uuid(4), 40, 9, -70)];
    const expected = balanceOf('ALICE001', account, outcomes, transferViews({ transfers, accepts: [], cancels: [], outcomes }));
    fc.assert(fc.property(fc.shuffledSubarray(transfers, { minLength: 6 }), fc.shuffledSubarray(outcomes, { minLength: 3 }), (t, o) => {
      const views = transferViews({ transfers: t, accepts: [], cancels: [], outcomes: o });
      expect(balanceOf('ALICE001', account, o, views)).toEqual(expected);
    }));
  });
});

describe('RxDB schemas generated from shared-schema', () => {
  it('place every document type of shared-schema in exactly one collection per kind of database', () => {
    for (const type of documentTypes.values()) {
      for (const kind of type.databases) {
        const holders = collectionNames.filter((name) => collectionLayout[name].database === kind && (collectionLayout[name].types as readonly string[]).includes(type.type));
        expect(holders, `${type.type} in ${kind} databases`).toHaveLength(1);
      }
    }
  });

  it('accept a valid stored document and refuse one with a field the zod schema does not have', () => {
    // As RxDB checks what it stores: the schema with RxDB's own fields added.
    const validate = getValidator(fillWithDefaultSettings(rxSchemaOf('transfers')));
    const stored = { ...transfer(uuid(1), 100), _deleted: false, _rev: '1-a', _attachments: {}, _meta: { lwt: 1 } };
    expect(validate(stored)).toEqual([]);
    expect(validate({ ...stored, amount: 'lots' })).not.toEqual([]);
    expect(validate({ ...stored, extra: true })).not.toEqual([]);
    const accept = { ...base('transfer-accept'), transfer: uuid(1), ...local('group-g', `transfer-accept:${uuid(1)}`), _deleted: false, _rev: '1-a', _attachments: {}, _meta: { lwt: 1 } };
    expect(validate(accept)).toEqual([]);
  });
});
