import { describe, expect, it } from 'vitest';
import { DecryptionError, decryptSecret, encryptSecret } from './secret-box';

const SECRET = 'x'.repeat(40);
const TOKEN = 'patABCdef123.0123456789abcdef0123456789abcdef';

describe('secret box (AES-256-GCM)', () => {
  it('round-trips a token and never stores it in clear', () => {
    const sealed = encryptSecret(TOKEN, SECRET, 'scim-token');
    expect(sealed).not.toContain(TOKEN);
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(decryptSecret(sealed, SECRET, 'scim-token')).toBe(TOKEN);
  });

  it('uses a fresh IV each time', () => {
    expect(encryptSecret(TOKEN, SECRET, 'scim-token')).not.toBe(encryptSecret(TOKEN, SECRET, 'scim-token'));
  });

  it.each([
    ['ciphertext', 3],
    ['auth tag', 2],
    ['iv', 1],
  ])('detects a tampered %s', (_label, part) => {
    const parts = encryptSecret(TOKEN, SECRET, 'scim-token').split('.');
    const bytes = Buffer.from(parts[part]!, 'base64url');
    bytes[0] = bytes[0]! ^ 0x01;
    parts[part] = bytes.toString('base64url');
    expect(() => decryptSecret(parts.join('.'), SECRET, 'scim-token')).toThrow(DecryptionError);
  });

  it('refuses a different AUTH_SECRET or purpose', () => {
    const sealed = encryptSecret(TOKEN, SECRET, 'scim-token');
    expect(() => decryptSecret(sealed, 'y'.repeat(40), 'scim-token')).toThrow(DecryptionError);
    expect(() => decryptSecret(sealed, SECRET, 'other-purpose')).toThrow(DecryptionError);
  });

  it('rejects malformed input without leaking it', () => {
    try {
      decryptSecret('not-a-ciphertext', SECRET, 'scim-token');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecryptionError);
      expect(String(e)).not.toContain('not-a-ciphertext');
    }
  });
});
