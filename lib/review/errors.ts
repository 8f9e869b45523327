import { AppError } from '@/lib/errors';
import type { TReviewItemRow } from './types';

/**
 * A decision lost an optimistic-concurrency race: the item changed since the reviewer loaded it.
 * Carries the item as it is now, so the page can show it without another request.
 */
export class ItemConflictError extends AppError {
  override name = 'ItemConflictError';
  constructor(readonly current: TReviewItemRow) {
    super('conflict', 'This item changed since you loaded it (someone else decided or it was reassigned). Review its current state and try again.');
  }
}

export const notFound = (what: string): AppError => new AppError('not_found', `${what} not found.`);
