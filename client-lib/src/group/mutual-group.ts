import { groupDatabaseName } from '@mutual/schema';
import type { Observable } from 'rxjs';
import { Payments, type PaymentInput, type RequestInput } from '../accounting/payments.js';
import type { Balance, TransferView } from '../accounting/transfer-views.js';
import type { LocalCollections } from '../database.js';
import { MutualClientError } from '../errors.js';
import { collectionLayout, type CollectionName } from '../schema/collection-layout.js';
import type { AccountDocument } from '@mutual/schema';
import type { Stored } from '../schema/local-document.js';
import type { SessionStore } from '../session/session.js';
import type { DocumentTypeName } from './document-types.js';
import { DocumentWriter } from './document-writer.js';
import { GroupCollection } from './group-collection.js';

/**
 * One group, as an app uses it: its documents by type (views of the shared collections,
 * this group's documents only) and its payments. Everything works offline.
 */
export class MutualGroup {
  readonly dbName: string;
  private readonly writer: DocumentWriter;
  private paymentsOf: Payments | undefined;

  constructor(readonly code: string, private readonly collections: LocalCollections, private readonly session: SessionStore) {
    this.dbName = groupDatabaseName(code);
    this.writer = new DocumentWriter(session, this.dbName);
  }

  get members() { return this.documents('member'); }
  get memberProfiles() { return this.documents('member-profile'); }
  get offers() { return this.documents('offer'); }
  get needs() { return this.documents('need'); }
  get posts() { return this.documents('post'); }
  get categories() { return this.documents('category'); }
  get accounts() { return this.documents('account'); }
  /** Transfer intents; their states come from `transfers$()`. */
  get transfers() { return this.documents('transfer'); }
  /** The ledger's outcomes. */
  get ledger() { return this.documents('ledger'); }
  get settings() { return this.documents('settings'); }
  get currency() { return this.documents('currency'); }

  /** The documents of one type in this group. Throws `NotOpened` if the client did not open its collection. */
  documents<Name extends DocumentTypeName>(type: Name): GroupCollection<Name> {
    const name = collectionOf(type);
    const collection = this.collections[name];
    if (!collection) throw new MutualClientError('NotOpened', `the client was created without the ${name} collection`);
    return new GroupCollection(type, this.dbName, collection, this.writer);
  }

  pay(input: PaymentInput): Promise<TransferView> {
    return this.payments.pay(input);
  }

  requestPayment(input: RequestInput): Promise<TransferView> {
    return this.payments.requestPayment(input);
  }

  acceptPayment(transferId: string): Promise<void> {
    return this.payments.acceptPayment(transferId);
  }

  cancelTransfer(transferId: string): Promise<void> {
    return this.payments.cancelTransfer(transferId);
  }

  myAccount(): Promise<Stored<AccountDocument>> {
    return this.payments.myAccount();
  }

  /** The committed balance and the pending totals of an account (the user's own by default). */
  balance$(account?: string): Observable<Balance> {
    return this.payments.balance$(account);
  }

  transfers$(filter: { account?: string } = {}): Observable<TransferView[]> {
    return this.payments.transfers$(filter);
  }

  private get payments(): Payments {
    this.paymentsOf ??= new Payments(this.session, {
      accounts: this.documents('account'),
      transfers: this.documents('transfer'),
      accepts: this.documents('transfer-accept'),
      cancels: this.documents('transfer-cancel'),
      ledger: this.documents('ledger'),
    });
    return this.paymentsOf;
  }
}

function collectionOf(type: DocumentTypeName): CollectionName {
  for (const [name, place] of Object.entries(collectionLayout)) {
    if ((place.types as readonly string[]).includes(type)) return name as CollectionName;
  }
  throw new MutualClientError('NotOpened', `no collection holds ${type} documents`);
}
