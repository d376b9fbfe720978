// @mutual/client: the offline-first RxDB client of a Mutual server.
export { createMutualClient, MutualClient } from './client.js';
export type { MutualClientOptions } from './client-options.js';
export { MutualClientError, isClientError, type ClientErrorCode } from './errors.js';
export type { AnyRxStorage, LocalCollection, LocalCollections, MutualDatabase } from './database.js';
export { MutualGroup } from './group/mutual-group.js';
export { GroupCollection } from './group/group-collection.js';
export type { DocumentsByType, DocumentTypeName, NewDocument, DocumentChanges } from './group/document-types.js';
export type { PaymentInput, RequestInput } from './accounting/payments.js';
export { transferViews, balanceOf, type TransferView, type Balance } from './accounting/transfer-views.js';
export { outcomeOf, type MembershipResult } from './membership/membership.js';
export type { Session } from './session/session.js';
export type { ClientStatus } from './sync/client-status.js';
export type { SyncCounters } from './sync/sync-counters.js';
export type { Rejection } from './sync/push-handler.js';
export type { Reachability } from './http/connection.js';
export { collectionLayout, collectionNames, type CollectionName } from './schema/collection-layout.js';
export { rxSchemaOf, SCHEMA_VERSION } from './schema/rx-json-schema.js';
export type { Stored, SyncState, LocalFields } from './schema/local-document.js';
