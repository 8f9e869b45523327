import { z } from 'zod';

/**
 * A link to `path` that keeps the current query, with `changes` applied (null or '' removes a
 * key). Changing anything but the page resets to page 1, so a new filter never lands on an
 * empty page 7.
 */
export function hrefWith(path: string, current: Record<string, string | undefined>, changes: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(current)) if (value) params.set(key, value);
  if (!('page' in changes)) params.delete('page');
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === undefined || value === '' || (key === 'page' && value === 1)) params.delete(key);
    else params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** The next sort state when a column header is clicked: same column flips, a new one starts ascending. */
export function nextSort(currentSort: string | undefined, currentDir: string | undefined, column: string): { sort: string; dir: 'asc' | 'desc' } {
  if (currentSort === column) return { sort: column, dir: currentDir === 'asc' ? 'desc' : 'asc' };
  return { sort: column, dir: 'asc' };
}

/**
 * A free-text URL parameter: trimmed, bounded, and empty meaning "no filter". Bad values become
 * undefined rather than an error page: people edit URLs. A NUL (`%00`) is bad: nobody types one,
 * and the searches these feed use SQLite's LIKE, which stops reading its pattern at a NUL.
 */
export const queryText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((v) => !v.includes('\u0000'))
    .optional()
    .transform((v) => v || undefined)
    .catch(undefined);

/** A 1-based page number from the URL; anything odd is page 1. */
export const queryPage = z.coerce.number().int().min(1).max(1_000_000).catch(1);
