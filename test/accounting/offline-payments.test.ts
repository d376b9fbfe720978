import { describe, expect, it } from 'vitest';
import { accountsOf, transferIntent } from '../support/accounting.js';
import { createGroup } from '../support/group.js';
import { request } from '../support/http.js';
import { startMutual } from '../support/mutual-process.js';
import { localReplica, remote } from '../support/pouch.js';
import { docArrives } from '../support/wait.js';

describe('payments made offline', () => {
  it('commit after the server comes back, exactly once; two replicas that overspend together: the first in ledger order commits', async () => {
    let server = await startMutual();
    const code = await createGroup(server, 'alice', ['bob']);
    const accounts = await accountsOf(server, code, 'alice', ['alice', 'bob']);
    const url = () => `${server.dbUrl}/group-${code}`;
    const alice = await server.token('alice');
    const limit = accounts.alice!.creditLimit;

    // Two devices of Alice, each with the group replicated.
    const phone = await localReplica('phone');
    const laptop = await localReplica('laptop');
    await phone.replicate.from(remote(url(), alice));
    await laptop.replicate.from(remote(url(), alice));

    // The network is gone (the server is down); each device spends most of the credit line.
    await server.stop();
    const fromPhone = transferIntent('alice', accounts.alice!.code, accounts.bob!.code, limit - 100, { memo: 'phone' });
    const fromLaptop = transferIntent('alice', accounts.alice!.code, accounts.bob!.code, limit - 100, { memo: 'laptop' });
    await phone.put(fromPhone);
    await laptop.put(fromLaptop);
    await expect(phone.replicate.to(remote(url(), alice))).rejects.toBeTruthy();

    server = await startMutual({ dataDir: server.dataDir });
    try {
      const token = await server.token('alice');
      // The phone reconnects first, then the laptop.
      expect((await phone.replicate.to(remote(url(), token))).docs_written).toBe(1);
      expect((await laptop.replicate.to(remote(url(), token))).docs_written).toBe(1);
      const phoneSync = phone.sync(remote(url(), token), { live: true, retry: true });
      try {
        const first = await docArrives(phone, `ledger:${fromPhone._id.slice('transfer:'.length)}`);
        const second = await docArrives(phone, `ledger:${fromLaptop._id.slice('transfer:'.length)}`);
        expect(first).toMatchObject({ status: 'committed', sequence: expect.any(Number) });
        expect(second).toMatchObject({ status: 'rejected', reason: 'InsufficientBalance' });
        await docArrives(phone, `account:${accounts.alice!.code}`, { balance: -(limit - 100) });
      } finally {
        phoneSync.cancel();
      }
      // Pushing the same intents again changes nothing.
      await laptop.replicate.to(remote(url(), token), { checkpoint: false });
      const listed = await request(`${server.url}/api/v1/communities/${code}/accounts/${accounts.bob!.code}`, { token });
      expect(listed.body.balance).toBe(limit - 100);
      const outcomes = await request(`${url()}/_all_docs?startkey="ledger:"&endkey="ledger:\uffff"`, { token });
      expect(outcomes.body.rows).toHaveLength(2);
    } finally {
      await server.stop();
    }
  });
});
