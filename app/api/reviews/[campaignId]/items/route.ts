import { withRole } from '@/lib/auth/guards';
import { errorResponse } from '@/lib/http/stream';
import { ZCampaignId, ZItemListQuery, getCampaignForViewer, listReviewItems, listReviewItemsAfter } from '@/lib/review';

type TContext = { params: Promise<{ campaignId: string }> };

/**
 * One page of the caller's own review queue (the grid's infinite query). Always the reviewer
 * view, also for admins: this is "my items", not the campaign-wide admin view. Without `after`,
 * the first page with the total; with it, the rows after that cursor (uncounted).
 */
export const GET = withRole<TContext>(['admin', 'reviewer'], async (req, { params }, user) => {
  const id = ZCampaignId.safeParse((await params).campaignId);
  if (!id.success) return Response.json({ ok: false, code: 'not_found', error: 'Campaign not found.' }, { status: 404 });
  const viewer = { email: user.email, role: 'reviewer' as const };
  if (!getCampaignForViewer(id.data, viewer)) return Response.json({ ok: false, code: 'not_found', error: 'Campaign not found.' }, { status: 404 });

  const query = ZItemListQuery.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!query.success) return Response.json({ ok: false, code: 'invalid', error: 'Invalid filter.' }, { status: 400 });
  const { after } = query.data;
  try {
    const page = after ? listReviewItemsAfter(id.data, viewer, { ...query.data, after }) : listReviewItems(id.data, viewer, query.data);
    return Response.json(page, { headers: { 'Cache-Control': 'no-store' } });
  } catch (error) {
    return errorResponse(error);
  }
});
