// F5: the S3 object tags of the KYC documents' lifecycle, one source for the sweep (which tags) and the bucket's
// lifecycle rules in CDK (lib/data.ts, which expire what carries them).

/** A document whose customer's records are past their retention: expired by the bucket a day later. */
export const ERASE_TAG = Object.freeze({ key: 'palisade:erase', value: 'due' });

/** Days between the tag and the expiry of the tagged versions (the lifecycle rule's). */
export const ERASE_AFTER_DAYS = 1;
