import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM encryption of secrets at rest (the SCIM token).
 * The key is derived from AUTH_SECRET with HKDF-SHA256 and a purpose label, so the same
 * AUTH_SECRET never serves as the raw key for two uses. Format: `v1.<iv>.<tag>.<ciphertext>`
 * (base64url parts); the version prefix leaves room for key rotation.
 */
const VERSION = 'v1';
const IV_BYTES = 12; // NIST SP 800-38D: 96-bit IVs for GCM

export class DecryptionError extends Error {
  override name = 'DecryptionError';
}

function deriveKey(authSecret: string, purpose: string): Buffer {
  if (authSecret.length === 0) throw new Error('Cannot derive an encryption key from an empty secret');
  return Buffer.from(hkdfSync('sha256', authSecret, 'attest', `attest:${purpose}:${VERSION}`, 32));
}

/** Encrypt `plaintext` for `purpose` (bound as additional authenticated data). */
export function encryptSecret(plaintext: string, authSecret: string, purpose: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(authSecret, purpose), iv);
  cipher.setAAD(Buffer.from(purpose));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
}

/** Decrypt a value made by `encryptSecret`; throws `DecryptionError` on any tampering or a wrong key. */
export function decryptSecret(sealed: string, authSecret: string, purpose: string): string {
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) throw new DecryptionError('Unrecognised ciphertext format');
  const [, ivText, tagText, dataText] = parts as [string, string, string, string];
  try {
    const decipher = createDecipheriv('aes-256-gcm', deriveKey(authSecret, purpose), Buffer.from(ivText, 'base64url'));
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(Buffer.from(tagText, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(dataText, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    // Never echo the ciphertext or the underlying OpenSSL message.
    throw new DecryptionError('The stored secret could not be decrypted (wrong AUTH_SECRET or tampered data)');
  }
}
