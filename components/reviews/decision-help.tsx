'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { acceptCarriedOverAction, acceptRecommendationsAction, previewAcceptRecommendationsAction } from '@/app/(app)/reviews/actions';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { useToast } from '@/components/ui/toast';
import type { TItemFilterInput } from '@/lib/review/schemas';
import type { TAcceptPreview } from '@/lib/review/types';
import { formatCountOf } from '@/lib/format';

/**
 * Decision help in the reviewer's toolbar: accept the recommendations of the current filter, and
 * accept carried-over certifications. Each shows what it will do (counts, reasons) and asks for
 * a confirmation; the server refuses, writing nothing, when the set changed in between.
 */

const numbers = new Intl.NumberFormat('en-US');
const items = (n: number): string => formatCountOf(n, 'item');

type TFilter = Pick<TItemFilterInput, 'signal' | 'recommendation' | 'q'>;

function PreviewBody({ preview }: { preview: TAcceptPreview }) {
  if (preview.actionable === 0) {
    return <p>No undecided item of this filter has a certify or revoke recommendation{preview.needsReview > 0 ? `; ${items(preview.needsReview)} need your own review` : ''}.</p>;
  }
  return (
    <div className="space-y-3">
      <p>
        {numbers.format(preview.certify)} will be certified and {numbers.format(preview.revoke)} revoked, each with its recommendation’s reason as the comment.
        {preview.needsReview > 0 ? ` ${items(preview.needsReview)} recommended for review stay undecided.` : ''}
      </p>
      <ul className="max-h-64 space-y-1 overflow-auto text-sm" aria-label="Recommendations and their reasons">
        {preview.groups.map((g) => (
          <li key={`${g.recommendation}:${g.reason}`} className="flex items-start gap-2">
            <Badge tone={g.recommendation === 'revoke' ? 'danger' : 'success'}>{g.recommendation}</Badge>
            <span className="flex-1">{g.reason}</span>
            <span className="tabular-nums">{numbers.format(g.items)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** "Accept recommendations" on the undecided items of the grid's current filter. */
export function AcceptRecommendationsButton({ campaignId, filter, onDone }: { campaignId: number; filter: TFilter; onDone: () => void }) {
  const { toast } = useToast();
  const [open, setOpen] = useState(false);
  const preview = useQuery({
    queryKey: ['accept-preview', campaignId, filter],
    enabled: open,
    staleTime: 0,
    queryFn: async () => {
      const result = await previewAcceptRecommendationsAction({ campaignId, filter });
      if (!result.ok) throw new Error(result.error);
      return result.data;
    },
  });
  const actionable = preview.data?.actionable ?? 0;
  return (
    <>
      <Button size="sm" variant="secondary" onClick={() => setOpen(true)}>
        Accept recommendations…
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title="Accept the recommendations of this filter?"
        message={
          preview.isError ? (
            <Alert tone="danger" title="Could not compute the recommendations">
              {preview.error.message}
            </Alert>
          ) : preview.data ? (
            <PreviewBody preview={preview.data} />
          ) : (
            <p aria-busy="true">Counting…</p>
          )
        }
        confirmLabel={actionable > 0 ? `Accept ${items(actionable)}` : 'Nothing to accept'}
        onConfirm={async () => {
          if (actionable === 0) return { ok: false as const, error: 'Nothing to accept in this filter.' };
          const result = await acceptRecommendationsAction({ campaignId, filter, expectedCount: actionable });
          if (!result.ok) return result;
          toast({ title: `${items(result.data.count)} decided as recommended`, description: `${numbers.format(result.data.certified)} certified, ${numbers.format(result.data.revoked)} revoked.`, tone: 'success' });
          onDone();
        }}
      />
    </>
  );
}

/** "Accept N carried-over certifications", when the campaign allows it and some are undecided. */
export function AcceptCarriedOverButton({ campaignId, undecidedHint, onDone }: { campaignId: number; undecidedHint: number; onDone: () => void }) {
  const { toast } = useToast();
  const [open, setOpen] = useState(false);
  const carried = useQuery({
    // Re-counted whenever the undecided count changes.
    queryKey: ['carried-over', campaignId, undecidedHint],
    queryFn: async () => {
      const response = await fetch(`/api/reviews/${campaignId}/items?signal=carried_over&decision=undecided&pageSize=1`, { cache: 'no-store' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return ((await response.json()) as { total?: number }).total ?? 0;
    },
  });
  const count = carried.data ?? 0;
  if (count === 0) return null;
  return (
    <>
      <Button size="sm" variant="secondary" onClick={() => setOpen(true)}>
        Accept {items(count)} carried over…
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Accept ${items(count)} carried over?`}
        message={
          <p>
            These were certified in the previous campaign and nothing changed since: the same access, the same department, title and manager, and no
            risk signal. Each is certified with a comment saying so. To look at them first, filter the list by the “Carried over” signal.
          </p>
        }
        confirmLabel={`Certify ${items(count)}`}
        onConfirm={async () => {
          const result = await acceptCarriedOverAction({ campaignId, expectedCount: count });
          if (!result.ok) return result;
          toast({ title: `${items(result.data.count)} carried over certified`, tone: 'success' });
          onDone();
        }}
      />
    </>
  );
}
