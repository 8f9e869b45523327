import { randomBytes } from 'node:crypto';
import type { Prng } from './prng';

// Airtable ids are a 3-letter prefix + 14 alphanumerics (`usrogvSbotRtzdtZW`, see the
// "Create user" page of https://airtable.com/developers/web/api/scim-overview).
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ID_BODY_LENGTH = 14;

export type IdPrefix = 'usr' | 'ugp';

/**
 * A new Airtable-style id. With a PRNG the id is reproducible (seeding); without one it comes
 * from `crypto.randomBytes` so ids created over HTTP never collide with seeded ones.
 */
export function newId(prefix: IdPrefix, prng?: Prng): string {
  let body = '';
  if (prng) {
    for (let i = 0; i < ID_BODY_LENGTH; i++) body += ALPHABET[Math.floor(prng.next() * ALPHABET.length)];
    return prefix + body;
  }
  // 248 = 4 * 62: rejecting bytes ≥ 248 keeps every character equally likely.
  while (body.length < ID_BODY_LENGTH) {
    for (const byte of randomBytes(32)) {
      if (byte < 248 && body.length < ID_BODY_LENGTH) body += ALPHABET[byte % 62];
    }
  }
  return prefix + body;
}

/** True when `id` has the Airtable shape for `prefix`. */
export function isIdOf(prefix: IdPrefix, id: string): boolean {
  return id.length === prefix.length + ID_BODY_LENGTH && id.startsWith(prefix) && /^[A-Za-z0-9]+$/.test(id);
}
