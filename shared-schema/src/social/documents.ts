import { z } from 'zod';
import { defineDocumentType } from '../documents/base.js';

/** An offer of a member to the group. The social issue grows this to Komunitin's full shape. */
export const offerDocument = defineDocumentType('offer', { writers: 'people', databases: ['group'] }, {
  name: z.string().trim().min(1).max(200),
  content: z.string().max(10_000),
});

export type OfferDocument = z.infer<typeof offerDocument.schema>;
