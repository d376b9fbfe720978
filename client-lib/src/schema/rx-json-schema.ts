import { z } from 'zod';
import { documentTypes } from '@mutual/schema';
import type { RxJsonSchema } from 'rxdb';
import { collectionLayout, type CollectionName } from './collection-layout.js';
import { KEY_SEPARATOR, LOCAL_FIELDS, type LocalData } from './local-document.js';

type JsonSchema = Record<string, unknown>;

/**
 * RxDB schema version of every collection. Bump it (and give RxDB a migration strategy) when
 * a document type of the collection changes in shared-schema: a stored collection whose
 * schema changed under the same version does not open.
 */
export const SCHEMA_VERSION = 0;

/** The JSON Schema of one document type, from its zod schema (the one the rules check). */
function jsonSchemaOf(type: string): { properties: Record<string, JsonSchema>; required: string[] } {
  const documentType = documentTypes.get(type);
  if (!documentType) throw new Error(`shared-schema has no document type ${type}`);
  const schema = z.toJSONSchema(documentType.schema, { unrepresentable: 'any', io: 'input', target: 'draft-7' }) as JsonSchema;
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  for (const field of LOCAL_FIELDS) {
    if (field in properties) throw new Error(`${type} has a field named ${field}, which the client keeps for itself`);
  }
  return { properties, required: (schema.required ?? []) as string[] };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** One schema for the types a collection holds: their fields together, required if all require them. */
function mergedSchema(types: readonly string[]): { properties: Record<string, JsonSchema>; required: string[] } {
  const schemas = types.map(jsonSchemaOf);
  const properties: Record<string, JsonSchema> = {};
  for (const { properties: own } of schemas) {
    for (const [field, schema] of Object.entries(own)) {
      const known = properties[field];
      if (known === undefined) properties[field] = schema;
      else if (!sameJson(known, schema)) {
        const variants = (known.anyOf as JsonSchema[] | undefined) ?? [known];
        if (!variants.some((variant) => sameJson(variant, schema))) properties[field] = { anyOf: [...variants, schema] };
      }
    }
  }
  properties.type = { type: 'string', enum: [...types] };
  const required = schemas[0]!.required.filter((field) => schemas.every((schema) => schema.required.includes(field)));
  return { properties, required };
}

/** The RxDB schema of a collection: generated from shared-schema, plus the client's own fields. */
export function rxSchemaOf(name: CollectionName): RxJsonSchema<LocalData> {
  const { properties, required } = mergedSchema(collectionLayout[name].types);
  const schema = {
    title: `mutual ${name}`,
    version: SCHEMA_VERSION,
    type: 'object',
    primaryKey: { key: 'key', fields: ['dbName', 'docId'], separator: KEY_SEPARATOR },
    properties: {
      ...properties,
      key: { type: 'string', maxLength: 300 },
      dbName: { type: 'string', maxLength: 64 },
      docId: { type: 'string', maxLength: 232 },
      syncState: { type: 'string', enum: ['new', 'synced', 'rejected'] },
      rejectedReason: { type: 'string' },
    },
    required: ['key', 'dbName', 'docId', 'syncState', ...required],
    additionalProperties: false,
  };
  // Generated JSON: RxDB's schema type cannot follow fields that come from zod at run time.
  return schema as unknown as RxJsonSchema<LocalData>;
}
