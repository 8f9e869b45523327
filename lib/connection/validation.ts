import { z } from 'zod';

/** Hosts that may use plain http (a local simulator or test server); everything else needs https. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export const ZScimBaseUrl = z
  .string()
  .trim()
  .min(1, 'Enter the SCIM base URL.')
  .max(2048, 'The URL is too long (2,048 characters at most).')
  .pipe(z.url({ error: 'Enter a full URL such as https://airtable.com/scim/v2.' }))
  // zod runs refinements even after z.url() failed: each one re-checks that the URL parses.
  .refine((value) => {
    const url = URL.parse(value);
    return !url || url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  }, 'Use https:// (plain http is only allowed for localhost).')
  .refine((value) => {
    const url = URL.parse(value);
    return !url || (!url.username && !url.password && !url.search && !url.hash);
  }, 'The URL must not contain credentials, a query string or a fragment.')
  .transform((value) => value.replace(/\/+$/, ''));

export const ZScimToken = z
  .string()
  .trim()
  .min(1, 'Enter the access token.')
  .max(4096, 'The token is too long (4,096 characters at most).')
  .regex(/^[\x21-\x7e]+$/, 'The token must not contain spaces or unusual characters.');

export const ZConnectionInput = z.object({ baseUrl: ZScimBaseUrl, token: ZScimToken });
export type TConnectionInput = z.infer<typeof ZConnectionInput>;
