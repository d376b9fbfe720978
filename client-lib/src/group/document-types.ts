import type { z } from 'zod';
import type {
  AccountDocument, CategoryDocument, CurrencyDocument, LedgerDocument, MemberDocument, MemberProfileDocument, NeedDocument,
  OfferDocument, OutcomeDocument, PostDocument, ProfileDocument, RegistrationDocument, RegistrationIntentDocument,
  SettingsDocument, TransferDocument, transferAcceptDocument, transferCancelDocument,
} from '@mutual/schema';

export type TransferAcceptDocument = z.infer<typeof transferAcceptDocument.schema>;
export type TransferCancelDocument = z.infer<typeof transferCancelDocument.schema>;

/** The TypeScript type of each document type the client stores (from shared-schema's zod schemas). */
export interface DocumentsByType {
  member: MemberDocument;
  'member-profile': MemberProfileDocument;
  offer: OfferDocument;
  need: NeedDocument;
  post: PostDocument;
  category: CategoryDocument;
  account: AccountDocument;
  transfer: TransferDocument;
  'transfer-accept': TransferAcceptDocument;
  'transfer-cancel': TransferCancelDocument;
  ledger: LedgerDocument;
  settings: SettingsDocument;
  currency: CurrencyDocument;
  registration: RegistrationDocument;
  'registration-intent': RegistrationIntentDocument;
  outcome: OutcomeDocument;
  profile: ProfileDocument;
}

export type DocumentTypeName = keyof DocumentsByType;

/** The fields every document has, which the client fills in itself. */
export type BaseField = 'type' | 'schema' | 'createdAt' | 'updatedAt' | 'author';

/** What a caller gives to create a document: its own fields, and optionally the id after `<type>:`. */
export type NewDocument<T> = Omit<T, BaseField> & { id?: string };

/** What a caller may change in a document: its own fields. */
export type DocumentChanges<T> = Partial<Omit<T, BaseField>>;

/** The version of the documents' shape (`schema`) this client writes. */
export const DOCUMENT_SCHEMA_VERSION = 1;
