import type { DocumentType } from './documents/base.js';
import {
  accountDocument, currencyDocument, ledgerDocument, transferAcceptDocument, transferCancelDocument, transferDocument,
} from './accounting/documents.js';
import {
  memberDocument, outcomeDocument, profileDocument, registrationDocument, registrationIntentDocument, settingsDocument,
} from './communities/documents.js';
import { socialDocumentTypes } from './social/documents.js';

/** A feature: its name and the document types it adds to group databases. */
export interface FeatureModule {
  name: string;
  documentTypes: DocumentType[];
}

/** The one place that lists Mutual's features; the rules and the server know no type by name. */
export const featureModules: FeatureModule[] = [
  {
    name: 'accounting',
    documentTypes: [currencyDocument, accountDocument, transferDocument, transferAcceptDocument, transferCancelDocument, ledgerDocument],
  },
  {
    name: 'communities',
    documentTypes: [settingsDocument, memberDocument, registrationDocument, profileDocument, registrationIntentDocument, outcomeDocument],
  },
  { name: 'social', documentTypes: socialDocumentTypes },
];

export const documentTypes: ReadonlyMap<string, DocumentType> = new Map(
  featureModules.flatMap((module) => module.documentTypes.map((t) => [t.type, t] as const)),
);
