import 'server-only';
import { notFound } from 'next/navigation';
import type { TSnapshot } from '@/db/schema';
import { getSnapshot } from '@/lib/snapshot';

/** The complete snapshot a URL segment names, or the 404 page (running or failed ones have no contents). */
export function loadCompleteSnapshot(rawId: string): TSnapshot {
  const id = Number(rawId);
  const snapshot = Number.isInteger(id) && id > 0 ? getSnapshot(id) : null;
  if (!snapshot || snapshot.status !== 'complete') notFound();
  return snapshot;
}
