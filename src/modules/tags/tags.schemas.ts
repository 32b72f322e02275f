/** Tags on KYC documents (Rebilly `Tag`, spec §5.1–5.2). */
import Type from 'typebox';
import { DateTime, Id, Links } from '../../http/schemas.ts';

export const TagName = Type.String({ minLength: 1, maxLength: 255, pattern: '^[@~\\-\\.\\w\\s+]+$' });

export const Tag = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    type: Type.Enum(['customer', 'kyc-document', 'aml-check']),
    createdTime: DateTime,
    updatedTime: DateTime,
    _links: Links,
  },
  { title: 'Tag' },
);

export const TagParams = Type.Object({ tag: TagName });
export const TagDocumentParams = Type.Object({ tag: TagName, kycDocumentId: Id });
export const TagDocumentsBody = Type.Object(
  { kycDocumentIds: Type.Array(Id, { minItems: 1, maxItems: 1000, uniqueItems: true }) },
  { additionalProperties: false },
);
