import { describe, expect, it } from 'vitest';
import { accountsOf, transferIntent, type Account } from '../support/accounting.js';
import { createGroup } from '../support/group.js';
import { request } from '../support/http.js';
import { startMutual, type MutualProcess } from '../support/mutual-process.js';
import { eventually } from '../support/wait.js';

const GROUPS = 3;
const MEMBERS = ['alice', 'bob', 'carol', 'dave'];
const INTENTS = 1000;
const KILLS = 20;
const BATCH = 5;
/** Writers pause between batches so that the kills fall during the storm, not after it. */
const PAUSE_MS = 120;

interface Plan {
  code: string;
  accounts: Record<string, Account>;
  /** Intents by author, written in batches of BATCH with the author's token. */
  batches: { author: string; docs: ReturnType<typeof transferIntent>[] }[];
}

function planFor(code: string, accounts: Record<string, Account>, count: number, seed: number): Plan {
  let state = seed;
  const random = (n: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
  const byAuthor = new Map<string, ReturnType<typeof transferIntent>[]>();
  for (let i = 0; i < count; i += 1) {
    const payer = MEMBERS[random(MEMBERS.length)]!;
    let payee = MEMBERS[random(MEMBERS.length)]!;
    if (payee === payer) payee = MEMBERS[(MEMBERS.indexOf(payer) + 1) % MEMBERS.length]!;
    // Amounts large enough that some payments overdraw and are rejected.
    const doc = transferIntent(payer, accounts[payer]!.code, accounts[payee]!.code, 1 + random(900));
    byAuthor.set(payer, [...(byAuthor.get(payer) ?? []), doc]);
  }
  const batches = [...byAuthor].flatMap(([author, docs]) =>
    Array.from({ length: Math.ceil(docs.length / BATCH) }, (_, i) => ({ author, docs: docs.slice(i * BATCH, i * BATCH + BATCH) })));
  return { code, accounts, batches };
}

describe('the ledger under SIGKILL', () => {
  it('loses no intent, commits none twice, and keeps balances equal to committed outcomes', async () => {
    let server: MutualProcess = await startMutual();
    const plans: Plan[] = [];
    for (let g = 0; g < GROUPS; g += 1) {
      const code = await createGroup(server, 'alice', MEMBERS.slice(1));
      const accounts = await accountsOf(server, code, 'alice', MEMBERS);
      const share = Math.floor(INTENTS / GROUPS) + (g < INTENTS % GROUPS ? 1 : 0);
      plans.push(planFor(code, accounts, share, 7 + g));
    }
    const pending = plans.flatMap((plan) => plan.batches.map((batch) => ({ plan, batch })));

    // Writers push every batch until it is acknowledged, across crashes (a replay is harmless).
    let stopping = false;
    const writers = Array.from({ length: 2 }, async () => {
      for (let job = pending.shift(); job; job = pending.shift()) {
        for (;;) {
          try {
            const response = await request(`${server.dbUrl}/group-${job.plan.code}/_bulk_docs`, {
              method: 'POST', token: await server.token(job.batch.author), body: { docs: job.batch.docs },
            });
            // Written now, or by an attempt the crash cut off (a conflict: the intent is there).
            if (response.status === 201 && response.body.every((row: any) => row.ok || row.error === 'conflict')) {
              await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
              break;
            }
          } catch {
            // the server is down: try again
          }
          await new Promise((resolve) => setTimeout(resolve, 30)); // pacing: not a storm of refused connections while it restarts
        }
      }
    });
    let kills = 0;
    const killer = (async () => {
      while (!stopping && kills < KILLS) {
        // A kill at a varying moment of the writing, not a wait for anything.
        await new Promise((resolve) => setTimeout(resolve, 100 + (kills % 4) * 50));
        await server.kill();
        kills += 1;
        server = await startMutual({ dataDir: server.dataDir });
      }
    })();
    await Promise.all(writers);
    stopping = true;
    await killer;
    expect(kills).toBeGreaterThanOrEqual(KILLS);

    const token = await server.token('alice');
    for (const plan of plans) {
      const db = `${server.dbUrl}/group-${plan.code}`;
      const intents = plan.batches.flatMap((batch) => batch.docs);
      const stored = await request(`${db}/_all_docs?startkey="transfer:"&endkey="transfer:\uffff"`, { token });
      expect(stored.body.rows).toHaveLength(intents.length); // no intent lost
      // Every intent gets its outcome once the ledger has caught up.
      const outcomes: any[] = await eventually(async () => {
        const listed = await request(`${db}/_all_docs?include_docs=true&startkey="ledger:"&endkey="ledger:\uffff"`, { token });
        const found = listed.body.rows.map((row: any) => row.doc);
        expect(found.length).toBeGreaterThanOrEqual(intents.length);
        return found;
      }, 30_000);
      expect(outcomes).toHaveLength(intents.length); // one outcome each (its id is the intent's)
      expect(new Set(outcomes.map((o) => o.transfer))).toEqual(new Set(intents.map((i) => i._id.slice('transfer:'.length))));

      const committed = outcomes.filter((o) => o.status === 'committed').sort((a, b) => a.sequence - b.sequence);
      expect(committed.map((o) => o.sequence)).toEqual(committed.map((_, i) => i + 1)); // no sequence twice, none skipped
      expect(outcomes.some((o) => o.status === 'rejected')).toBe(true);

      const derived = new Map<string, number>();
      for (const o of committed) {
        derived.set(o.payer, (derived.get(o.payer) ?? 0) - o.amount);
        derived.set(o.payee, (derived.get(o.payee) ?? 0) + o.amount);
      }
      // Replaying the committed outcomes in sequence gives each one's recorded balances.
      const running = new Map<string, number>();
      for (const o of committed) {
        running.set(o.payer, (running.get(o.payer) ?? 0) - o.amount);
        running.set(o.payee, (running.get(o.payee) ?? 0) + o.amount);
        expect(o.balances).toEqual({ payer: running.get(o.payer), payee: running.get(o.payee) });
      }
      const accounts = (await request(`${server.url}/api/v1/communities/${plan.code}/accounts`, { token })).body.accounts as Account[];
      for (const account of accounts) {
        expect(account.balance).toBe(derived.get(account.code) ?? 0);
        expect(account.balance).toBeGreaterThanOrEqual(-account.creditLimit);
      }
      expect(accounts.reduce((sum, account) => sum + account.balance, 0)).toBe(0);
      // The cached account documents agree too, once refreshed.
      const cached = await request(`${db}/_all_docs?include_docs=true&startkey="account:"&endkey="account:\uffff"`, { token });
      for (const { doc } of cached.body.rows) expect(doc.balance).toBe(derived.get(doc.code) ?? 0);
    }
    await server.stop();
  }, 180_000);
});
