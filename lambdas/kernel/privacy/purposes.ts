// The `palisade:purpose` of each KMS encryption context: one source for the code that encrypts and for the
// IAM conditions (lib/grants/data.ts) that let a function use the data key for that purpose only.
export const PURPOSE_CONTEXT_KEY = 'palisade:purpose';
export const FIELD_GROUP_PURPOSE = 'field-group';
export const BLIND_INDEX_PURPOSE = 'blind-index-key';
