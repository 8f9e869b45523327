import 'server-only';
import { env } from '@/lib/env';
import { getDemoSimulator } from './simulator';

/** Route handler body for app/api/sim/scim/v2/[...path]. */
export async function serveDemoDirectory(req: Request): Promise<Response> {
  if (!env().ATTEST_DEMO) return new Response('Not found', { status: 404 });
  return getDemoSimulator().handle(req);
}
