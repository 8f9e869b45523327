import { z } from 'zod';
import { AppError } from '@/lib/errors';

/**
 * The grid's "next page" cursor: the sort and direction it was made for and the last row's sort
 * key, as base64url JSON. Opaque to the browser; decoded strictly, because it comes back as
 * untrusted input. A cursor made for another sort is refused rather than silently misread.
 */

type TKeyValue = string | number | null;

const ZCursorBody = z.object({
  s: z.string().max(40),
  d: z.enum(['asc', 'desc']),
  k: z.array(z.union([z.string().max(1_000), z.number(), z.null()])).min(2).max(4),
});

export function encodeItemCursor(sort: string, dir: 'asc' | 'desc', key: readonly TKeyValue[]): string {
  return Buffer.from(JSON.stringify({ s: sort, d: dir, k: key }), 'utf8').toString('base64url');
}

/** The sort key in `cursor`, checked against the sort in use and its key length. */
export function decodeItemCursor(cursor: string, sort: string, dir: 'asc' | 'desc', keyLength: number): TKeyValue[] {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    body = null;
  }
  const parsed = ZCursorBody.safeParse(body);
  if (!parsed.success || parsed.data.k.length !== keyLength || typeof parsed.data.k[keyLength - 1] !== 'number') {
    throw new AppError('invalid', 'The list position is not valid. Reload the list.');
  }
  if (parsed.data.s !== sort || parsed.data.d !== dir) throw new AppError('invalid', 'The sort changed since this list was loaded. Reload the list.');
  return parsed.data.k;
}
