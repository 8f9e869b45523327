'use client';

import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable, type SortingState } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRouter } from 'next/navigation';
import { useDeferredValue, useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { bulkDecideAction, decideItemAction, passOnAsNotSureAction, signOffAction, undoDecisionAction } from '@/app/(app)/reviews/actions';
import { AcceptCarriedOverButton, AcceptRecommendationsButton } from '@/components/reviews/decision-help';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { ConfirmDialog, Dialog } from '@/components/ui/dialog';
import { Input, Select, Textarea } from '@/components/ui/input';
import { Kbd } from '@/components/ui/kbd';
import { useToast } from '@/components/ui/toast';
import { earlierStagesLine, itemNote } from '@/lib/review/item-labels';
import { SIGNALS, type TSignalKey } from '@/lib/review/signals';
import type { TDecision, TRecommendation, TReviewItemRow } from '@/lib/review/types';

/** A page from the items route: the first one is counted, later ones continue after `nextCursor`. */
type TItemPage = { rows: TReviewItemRow[]; total?: number; nextCursor: string | null };
type TFilter = { decision: '' | 'undecided' | 'not_sure' | TDecision; signal: '' | TSignalKey; recommendation: '' | TRecommendation; q: string };
type TSortKey = 'user' | 'email' | 'department' | 'title' | 'access' | 'recommendation' | 'decision' | 'signals';

export type TReviewGridCampaign = {
  id: number;
  attestationStatement: string;
  revokeNeedsJustification: boolean;
  certifyFlaggedNeedsComment: boolean;
  allowCarryOverAccept: boolean;
  /** "not sure" sends an item to the next stage (true) or to the fallback reviewer. */
  hasNextStage: boolean;
};

/** What a dialog asks a comment for: a decision, or passing the item on as "not sure". */
type TDialogIntent = TDecision | 'not_sure';

type TReviewGridProps = {
  campaign: TReviewGridCampaign;
  /** The first page with the default filter and sort, rendered by the server. */
  initial: TItemPage;
  counts: { total: number; decided: number };
  /** Signed off or campaign not active: decisions are refused, so the grid is read-only. */
  locked: boolean;
  pageSize: number;
};

const EMPTY_FILTER: TFilter = { decision: '', signal: '', recommendation: '', q: '' };
const numbers = new Intl.NumberFormat('en-US');
const ROW_HEIGHT = 60;
const GRID_COLUMNS = '2.5rem minmax(10rem,1.4fr) minmax(8rem,1fr) minmax(7rem,0.8fr) minmax(10rem,1.2fr) minmax(9rem,1.2fr) minmax(10rem,1.5fr) 6rem minmax(8rem,1fr)';

const RECOMMENDATION_TONE = { certify: 'success', revoke: 'danger', review: 'warning' } as const;
const SIGNAL_BY_KEY = new Map(SIGNALS.map((s) => [s.key as TSignalKey, s]));

/** The failure of a server action, carried through react-query's error channel. */
class ActionFailure extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

function itemsUrl(campaignId: number, filter: TFilter, sorting: SortingState, after: string | null, pageSize: number): string {
  const params = new URLSearchParams({ pageSize: String(pageSize) });
  if (after) params.set('after', after);
  if (filter.decision) params.set('decision', filter.decision);
  if (filter.signal) params.set('signal', filter.signal);
  if (filter.recommendation) params.set('recommendation', filter.recommendation);
  if (filter.q.trim()) params.set('q', filter.q.trim());
  const sort = sorting[0];
  if (sort) {
    params.set('sort', sort.id);
    params.set('dir', sort.desc ? 'desc' : 'asc');
  }
  return `/api/reviews/${campaignId}/items?${params}`;
}

async function fetchItems(url: string): Promise<TItemPage> {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return (await response.json()) as TItemPage;
}

/** Throws the action's error so react-query rolls the optimistic patch back. */
function unwrap<T>(result: { ok: true; data: T } | { ok: false; error: string; code: string }): T {
  if (!result.ok) throw new ActionFailure(result.error, result.code);
  return result.data;
}

function accessLabel(row: TReviewItemRow): string {
  return row.kind === 'account' ? 'Airtable account' : (row.groupName ?? row.groupScimId ?? 'Group');
}

function DecisionBadge({ row }: { row: TReviewItemRow }) {
  if (row.decision === 'certify') return <Badge tone="success">Certified</Badge>;
  if (row.decision === 'revoke') return <Badge tone="danger">Revoked</Badge>;
  if (row.awaitingNextStage) return <Badge tone="warning" title="Passed on as not sure: the next stage decides">Not sure</Badge>;
  return <Badge>Undecided</Badge>;
}

/** The decisions of earlier stages, one short line each (shown when the campaign shows them). */
function EarlierStages({ row }: { row: TReviewItemRow }) {
  if (!row.earlierStages?.length) return null;
  return (
    <div className="truncate text-xs text-ink-muted">
      {earlierStagesLine(row.earlierStages, true)}
    </div>
  );
}

/** A row the server returned after a change, keeping the earlier stages the list had (a single-item answer omits them). */
function withHistory(row: TReviewItemRow, old: TReviewItemRow): TReviewItemRow {
  return row.earlierStages || !old.earlierStages ? row : { ...row, earlierStages: old.earlierStages };
}

const column = createColumnHelper<TReviewItemRow>();

/**
 * The reviewer's queue: a virtualized, keyboard-driven grid. Filters and sorting run on the
 * server (the route handler pages through `listReviewItems`); decisions are server actions with
 * optimistic cache patches, rolled back with a toast when the server refuses.
 */
export function ReviewGrid({ campaign, initial, counts, locked, pageSize }: TReviewGridProps) {
  const router = useRouter();
  const { toast } = useToast();
  const queryClient = useQueryClient();
  const gridId = useId();

  const [filter, setFilter] = useState<TFilter>(EMPTY_FILTER);
  const [search, setSearch] = useState('');
  const deferredSearch = useDeferredValue(search);
  const effectiveFilter = useMemo(() => ({ ...filter, q: deferredSearch }), [filter, deferredSearch]);
  const [sorting, setSorting] = useState<SortingState>([]);
  const [active, setActive] = useState(0);
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [anchor, setAnchor] = useState<number | null>(null);

  const [decisionDialog, setDecisionDialog] = useState<null | { decision: TDialogIntent; itemIds: number[]; single: boolean }>(null);
  const [bulkAllOpen, setBulkAllOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const [signOffOpen, setSignOffOpen] = useState(false);

  const isDefaultView = filter === EMPTY_FILTER && deferredSearch === '' && sorting.length === 0;
  const itemsKey = ['review-items', campaign.id] as const;
  const queryKey = [...itemsKey, effectiveFilter, sorting] as const;

  const items = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchItems(itemsUrl(campaign.id, effectiveFilter, sorting, pageParam, pageSize)),
    // Keyset pages: deciding rows of an "undecided" view never shifts the next page (an offset would skip rows).
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    initialData: isDefaultView ? { pages: [initial], pageParams: [null] } : undefined,
    placeholderData: (previous) => previous,
  });
  const rows = useMemo(() => items.data?.pages.flatMap((p) => p.rows) ?? [], [items.data]);
  const total = items.data?.pages[0]?.total ?? 0;

  // How many of my items are undecided, whatever the grid's filter: gates the sign-off.
  const progressKey = ['review-progress', campaign.id] as const;
  const progress = useQuery({
    queryKey: progressKey,
    queryFn: async () => {
      const page = await fetchItems(itemsUrl(campaign.id, { ...EMPTY_FILTER, decision: 'undecided' }, [], null, 1));
      return { undecided: page.total ?? 0 };
    },
    initialData: { undecided: counts.total - counts.decided },
  });
  const undecided = progress.data.undecided;

  // ─── Cache patches ──────────────────────────────────────────────────────────────────────
  function patchRows(ids: ReadonlySet<number>, patch: (row: TReviewItemRow) => TReviewItemRow) {
    queryClient.setQueriesData<InfiniteData<TItemPage>>({ queryKey: itemsKey }, (old) =>
      old ? { ...old, pages: old.pages.map((p) => ({ ...p, rows: p.rows.map((r) => (ids.has(r.id) ? patch(r) : r)) })) } : old,
    );
  }

  async function snapshotCache() {
    await queryClient.cancelQueries({ queryKey: itemsKey });
    return queryClient.getQueriesData<InfiniteData<TItemPage>>({ queryKey: itemsKey });
  }

  function rollback(previous: Array<[readonly unknown[], InfiniteData<TItemPage> | undefined]> | undefined) {
    for (const [key, data] of previous ?? []) queryClient.setQueryData(key, data);
  }

  function failed(title: string, error: Error) {
    const conflict = error instanceof ActionFailure && error.code === 'conflict';
    toast({ title, description: conflict ? `${error.message} The list was reloaded.` : error.message, tone: 'danger' });
    if (conflict) void queryClient.invalidateQueries({ queryKey: itemsKey });
  }

  function settled() {
    void queryClient.invalidateQueries({ queryKey: progressKey });
    // Under a decision filter the decided rows no longer belong to the list (and paging shifts).
    if (filter.decision) void queryClient.invalidateQueries({ queryKey: itemsKey });
  }

  const decide = useMutation({
    mutationFn: async (vars: { row: TReviewItemRow; decision: TDecision; comment?: string }) =>
      unwrap(
        await decideItemAction({
          campaignId: campaign.id,
          itemId: vars.row.id,
          decision: vars.decision,
          comment: vars.comment,
          expectedVersion: vars.row.version,
        }),
      ),
    onMutate: async (vars) => {
      const previous = await snapshotCache();
      patchRows(new Set([vars.row.id]), (r) => ({ ...r, decision: vars.decision, decisionComment: vars.comment ?? null }));
      return { previous };
    },
    onError: (error, _vars, context) => {
      rollback(context?.previous);
      failed('Decision not saved', error);
    },
    onSuccess: (row) => patchRows(new Set([row.id]), (old) => withHistory(row, old)),
    onSettled: settled,
  });

  const undo = useMutation({
    mutationFn: async (row: TReviewItemRow) =>
      unwrap(await undoDecisionAction({ campaignId: campaign.id, itemId: row.id, expectedVersion: row.version })),
    onMutate: async (row) => {
      const previous = await snapshotCache();
      patchRows(new Set([row.id]), (r) => ({ ...r, decision: null, decisionComment: null }));
      return { previous };
    },
    onError: (error, _row, context) => {
      rollback(context?.previous);
      failed('Undo failed', error);
    },
    onSuccess: (row) => patchRows(new Set([row.id]), (old) => withHistory(row, old)),
    onSettled: settled,
  });

  const notSure = useMutation({
    mutationFn: async (vars: { row: TReviewItemRow; comment: string }) =>
      unwrap(await passOnAsNotSureAction({ campaignId: campaign.id, itemId: vars.row.id, expectedVersion: vars.row.version, comment: vars.comment })),
    onError: (error) => failed('Not passed on', error),
    onSuccess: (row) => {
      toast({ title: campaign.hasNextStage ? 'Passed on to the next stage' : `Passed on to ${row.reviewerEmail}`, tone: 'success' });
      if (campaign.hasNextStage) patchRows(new Set([row.id]), (old) => withHistory(row, old));
      // Sent to the fallback reviewer: the row leaves this queue.
      else void queryClient.invalidateQueries({ queryKey: itemsKey });
    },
    onSettled: settled,
  });

  const bulk = useMutation({
    mutationFn: async (vars: { decision: TDecision; comment?: string; itemIds: number[] }) =>
      unwrap(await bulkDecideAction({ campaignId: campaign.id, decision: vars.decision, comment: vars.comment, target: { itemIds: vars.itemIds } })),
    onMutate: async (vars) => {
      const previous = await snapshotCache();
      patchRows(new Set(vars.itemIds), (r) => ({ ...r, decision: vars.decision, decisionComment: vars.comment ?? r.decisionComment }));
      return { previous };
    },
    onError: (error, _vars, context) => {
      rollback(context?.previous);
      failed('Bulk decision not saved', error);
    },
    onSuccess: (result) => {
      setSelected(new Set());
      toast({ title: `${numbers.format(result.count)} items ${result.decision === 'certify' ? 'certified' : 'revoked'}`, tone: 'success' });
    },
    // Bulk results carry no per-item versions: reload the rows for the next single decision.
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: itemsKey });
      void queryClient.invalidateQueries({ queryKey: progressKey });
    },
  });

  // ─── Table and virtualization ───────────────────────────────────────────────────────────
  const columns = useMemo(
    () => [
      column.display({ id: 'select', header: () => <span className="sr-only">Selected</span>, enableSorting: false }),
      column.accessor((r) => r.userDisplayName ?? r.userName, {
        id: 'user',
        header: 'User',
        cell: (c) => (
          <div className="min-w-0">
            <div className="truncate font-medium">{c.getValue()}</div>
            <div className="truncate text-xs text-ink-muted">{c.row.original.userEmail}</div>
          </div>
        ),
      }),
      column.accessor('department', { header: 'Department', cell: (c) => <span className="block truncate" title={c.getValue() ?? undefined}>{c.getValue() ?? '—'}</span> }),
      column.accessor('title', { header: 'Title', cell: (c) => <span className="block truncate" title={c.getValue() ?? undefined}>{c.getValue() ?? '—'}</span> }),
      column.accessor((r) => accessLabel(r), {
        id: 'access',
        header: 'Access',
        cell: (c) => <span className={cn('block truncate', c.row.original.kind === 'account' && 'font-medium')}>{c.getValue()}</span>,
      }),
      column.accessor('signalKeys', {
        id: 'signals',
        header: 'Signals',
        cell: (c) => (
          <div className="flex flex-wrap gap-1 overflow-hidden">
            {c.getValue().map((key) => {
              const signal = SIGNAL_BY_KEY.get(key);
              return (
                <Badge key={key} tone="warning" title={signal?.description}>
                  {signal?.label ?? key}
                </Badge>
              );
            })}
          </div>
        ),
      }),
      column.accessor('recommendation', {
        header: 'Recommendation',
        cell: (c) => (
          <div className="min-w-0">
            <Badge tone={RECOMMENDATION_TONE[c.getValue()]}>{c.getValue()}</Badge>
            <div className="truncate text-xs text-ink-muted" title={c.row.original.recommendationReason}>
              {c.row.original.recommendationReason}
            </div>
          </div>
        ),
      }),
      column.accessor('decision', {
        header: 'Decision',
        cell: (c) => (
          <div className="min-w-0">
            <DecisionBadge row={c.row.original} />
            <EarlierStages row={c.row.original} />
          </div>
        ),
      }),
      column.accessor((r) => itemNote(r), {
        id: 'comment',
        header: 'Comment',
        enableSorting: false,
        cell: (c) => (
          <span className="line-clamp-2 text-xs" title={c.getValue() || undefined}>
            {c.getValue()}
          </span>
        ),
      }),
    ],
    [],
  );

  // react-table v8 returns fresh functions each render, so the React Compiler skips this component; that is expected.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (r) => String(r.id),
    manualSorting: true,
    enableSortingRemoval: true,
    state: { sorting },
    onSortingChange: (updater) => {
      setSorting(updater);
      setActive(0);
    },
  });
  const tableRows = table.getRowModel().rows;

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: tableRows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  const activeIndex = Math.min(active, Math.max(0, tableRows.length - 1));
  const activeRow: TReviewItemRow | undefined = tableRows[activeIndex]?.original;

  // Keep the active row on screen, and fetch the next page when it nears the end.
  useEffect(() => {
    if (tableRows.length > 0) virtualizer.scrollToIndex(activeIndex, { align: 'auto' });
  }, [activeIndex, tableRows.length, virtualizer]);

  const virtualItems = virtualizer.getVirtualItems();
  const lastVisible = virtualItems.at(-1)?.index ?? 0;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = items;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastVisible >= rows.length - 20) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, lastVisible, rows.length]);

  // ─── Actions on rows ────────────────────────────────────────────────────────────────────
  function needsComment(decision: TDecision, row: TReviewItemRow): boolean {
    if (decision === 'revoke') return true;
    return campaign.certifyFlaggedNeedsComment && row.flagged;
  }

  function decideRow(decision: TDecision, row: TReviewItemRow | undefined) {
    if (!row || locked) return;
    if (needsComment(decision, row)) setDecisionDialog({ decision, itemIds: [row.id], single: true });
    else decide.mutate({ row, decision });
  }

  function undoRow(row: TReviewItemRow | undefined) {
    if (!row || locked || (row.decision === null && !row.awaitingNextStage)) return;
    undo.mutate(row);
  }

  function notSureRow(row: TReviewItemRow | undefined) {
    if (!row || locked) return;
    setDecisionDialog({ decision: 'not_sure', itemIds: [row.id], single: true });
  }

  function toggle(index: number, range: boolean) {
    const row = tableRows[index]?.original;
    if (!row) return;
    setSelected((current) => {
      const next = new Set(current);
      if (range && anchor !== null) {
        const [from, to] = anchor < index ? [anchor, index] : [index, anchor];
        for (let i = from; i <= to; i++) {
          const r = tableRows[i]?.original;
          if (r) next.add(r.id);
        }
      } else if (next.has(row.id)) next.delete(row.id);
      else next.add(row.id);
      return next;
    });
    setAnchor(index);
  }

  function bulkSelected(decision: TDecision) {
    if (locked || selected.size === 0) return;
    const ids = [...selected];
    const needs = decision === 'revoke' || (campaign.certifyFlaggedNeedsComment && rows.some((r) => selected.has(r.id) && r.flagged));
    if (needs) setDecisionDialog({ decision, itemIds: ids, single: false });
    else bulk.mutate({ decision, itemIds: ids });
  }

  // Keyboard shortcuts, page-wide while no dialog is open and focus is not in a form field.
  const handlerRef = useRef<(event: KeyboardEvent) => void>(() => {});
  useEffect(() => {
    handlerRef.current = (event: KeyboardEvent) => {
      if (event.metaKey || event.ctrlKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target && (target.closest('input, textarea, select, [contenteditable="true"]') || target.closest('dialog'))) return;
      if (document.querySelector('dialog[open]')) return;
      const key = event.key;
      const handled = (() => {
        switch (key) {
          case 'j':
          case 'ArrowDown':
            setActive(Math.min(activeIndex + 1, Math.max(0, tableRows.length - 1)));
            return true;
          case 'k':
          case 'ArrowUp':
            setActive(Math.max(activeIndex - 1, 0));
            return true;
          case 'c':
            decideRow('certify', activeRow);
            return true;
          case 'r':
            decideRow('revoke', activeRow);
            return true;
          case 'u':
            undoRow(activeRow);
            return true;
          case 'n':
            notSureRow(activeRow);
            return true;
          case 'x':
          case 'X':
            toggle(activeIndex, event.shiftKey);
            return true;
          case '?':
            setHelpOpen(true);
            return true;
          default:
            return false;
        }
      })();
      if (handled) event.preventDefault();
    };
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => handlerRef.current(event);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);

  function changeFilter(patch: Partial<TFilter>) {
    setFilter((f) => ({ ...f, ...patch }));
    setActive(0);
    setSelected(new Set());
  }

  const filterActive = filter.decision !== '' || filter.signal !== '' || filter.recommendation !== '' || deferredSearch.trim() !== '';
  const sortOf = (id: string): TSortKey | null => (['user', 'email', 'department', 'title', 'access', 'recommendation', 'decision', 'signals'] as const).find((k) => k === id) ?? null;

  return (
    <div className="space-y-3">
      {locked ? (
        <Alert tone="info" title="Read-only">
          Your decisions in this campaign are final (signed off, or the campaign is no longer active).
        </Alert>
      ) : null}

      <div className="flex flex-wrap items-end gap-2" role="search" aria-label="Filter review items">
        <label className="flex flex-col gap-1 text-xs text-ink-muted">
          Search
          <Input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Name, email, group…" className="w-56" />
        </label>
        <label className="flex flex-col gap-1 text-xs text-ink-muted">
          Decision
          <Select value={filter.decision} onChange={(e) => changeFilter({ decision: e.target.value as TFilter['decision'] })} className="w-36">
            <option value="">All</option>
            <option value="undecided">Undecided</option>
            <option value="certify">Certified</option>
            <option value="revoke">Revoked</option>
            <option value="not_sure">Not sure</option>
          </Select>
        </label>
        <label className="flex flex-col gap-1 text-xs text-ink-muted">
          Signal
          <Select value={filter.signal} onChange={(e) => changeFilter({ signal: e.target.value as TFilter['signal'] })} className="w-52">
            <option value="">Any</option>
            {SIGNALS.map((s) => (
              <option key={s.key} value={s.key}>
                {s.label}
              </option>
            ))}
          </Select>
        </label>
        <label className="flex flex-col gap-1 text-xs text-ink-muted">
          Recommendation
          <Select
            value={filter.recommendation}
            onChange={(e) => changeFilter({ recommendation: e.target.value as TFilter['recommendation'] })}
            className="w-36"
          >
            <option value="">Any</option>
            <option value="certify">Certify</option>
            <option value="review">Review</option>
            <option value="revoke">Revoke</option>
          </Select>
        </label>
        <div className="ml-auto flex flex-wrap items-center gap-2">
          <Button variant="secondary" size="sm" onClick={() => setHelpOpen(true)}>
            Shortcuts <Kbd>?</Kbd>
          </Button>
          {!locked && undecided === 0 && counts.total > 0 ? <Button onClick={() => setSignOffOpen(true)}>Sign off</Button> : null}
        </div>
      </div>

      {!locked ? (
        <div className="flex flex-wrap items-center gap-2 text-sm" aria-live="polite">
          <span className="text-ink-muted">
            {numbers.format(total)} matching · {numbers.format(undecided)} undecided of {numbers.format(counts.total)}
            {selected.size > 0 ? ` · ${numbers.format(selected.size)} selected` : ''}
          </span>
          <Button size="sm" variant="secondary" disabled={selected.size === 0} loading={bulk.isPending} onClick={() => bulkSelected('certify')}>
            Certify selected
          </Button>
          <Button size="sm" variant="secondary" disabled={selected.size === 0} loading={bulk.isPending} onClick={() => bulkSelected('revoke')}>
            Revoke selected
          </Button>
          <AcceptRecommendationsButton
            campaignId={campaign.id}
            filter={{ signal: effectiveFilter.signal, recommendation: effectiveFilter.recommendation, q: effectiveFilter.q }}
            onDone={() => {
              setSelected(new Set());
              void queryClient.invalidateQueries({ queryKey: itemsKey });
              void queryClient.invalidateQueries({ queryKey: progressKey });
            }}
          />
          {campaign.allowCarryOverAccept ? (
            <AcceptCarriedOverButton
              campaignId={campaign.id}
              undecidedHint={undecided}
              onDone={() => {
                void queryClient.invalidateQueries({ queryKey: itemsKey });
                void queryClient.invalidateQueries({ queryKey: progressKey });
              }}
            />
          ) : null}
          {filterActive && total > 0 ? (
            <Button size="sm" variant="secondary" onClick={() => setBulkAllOpen(true)}>
              Certify all {numbers.format(total)} matching this filter
            </Button>
          ) : null}
          {selected.size > 0 ? (
            <Button size="sm" variant="ghost" onClick={() => setSelected(new Set())}>
              Clear selection
            </Button>
          ) : null}
        </div>
      ) : null}

      {items.isError ? (
        <Alert tone="danger" title="Could not load the items">
          Reload the page to try again.
        </Alert>
      ) : null}

      <div
        ref={scrollRef}
        id={gridId}
        role="grid"
        aria-label="Access to review"
        aria-rowcount={total + 1}
        aria-colcount={columns.length}
        aria-multiselectable="true"
        aria-readonly={locked || undefined}
        aria-activedescendant={activeRow ? `${gridId}-row-${activeRow.id}` : undefined}
        aria-busy={items.isFetching || undefined}
        tabIndex={0}
        className="relative h-[65vh] overflow-auto rounded-card border border-line bg-surface text-sm outline-none focus-visible:ring-2 focus-visible:ring-accent"
      >
        <div role="rowgroup" className="sticky top-0 z-10 min-w-[72rem] border-b border-line bg-surface-muted">
          {table.getHeaderGroups().map((group) => (
            <div key={group.id} role="row" aria-rowindex={1} className="grid" style={{ gridTemplateColumns: GRID_COLUMNS }}>
              {group.headers.map((header) => {
                const sortKey = sortOf(header.column.id);
                const sorted = header.column.getIsSorted();
                return (
                  <div
                    key={header.id}
                    role="columnheader"
                    aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}
                    className="px-3 py-2 text-xs font-semibold whitespace-nowrap text-ink-muted"
                  >
                    {sortKey && header.column.getCanSort() ? (
                      <button type="button" className="hover:text-ink" onClick={header.column.getToggleSortingHandler()}>
                        {flexRender(header.column.columnDef.header, header.getContext())}
                        {sorted === 'asc' ? ' ↑' : sorted === 'desc' ? ' ↓' : ''}
                      </button>
                    ) : (
                      flexRender(header.column.columnDef.header, header.getContext())
                    )}
                  </div>
                );
              })}
            </div>
          ))}
        </div>

        {tableRows.length === 0 && !items.isFetching ? (
          <p className="p-6 text-center text-ink-muted">{filterActive ? 'No items match this filter.' : 'No items assigned to you.'}</p>
        ) : null}

        <div role="rowgroup" className="relative min-w-[72rem]" style={{ height: virtualizer.getTotalSize() }}>
          {virtualItems.map((v) => {
            const row = tableRows[v.index];
            if (!row) return null;
            const item = row.original;
            const isActive = v.index === activeIndex;
            const isSelected = selected.has(item.id);
            return (
              <div
                key={row.id}
                id={`${gridId}-row-${item.id}`}
                role="row"
                aria-rowindex={v.index + 2}
                aria-selected={isSelected}
                data-active={isActive || undefined}
                onClick={() => setActive(v.index)}
                className={cn(
                  'absolute inset-x-0 grid items-center border-b border-line',
                  isSelected && 'bg-accent-soft',
                  isActive && 'outline-2 -outline-offset-2 outline-accent',
                  item.decision === 'revoke' && !isSelected && 'bg-danger-soft/40',
                )}
                style={{ gridTemplateColumns: GRID_COLUMNS, height: ROW_HEIGHT, transform: `translateY(${v.start}px)` }}
              >
                {row.getVisibleCells().map((cell) => (
                  <div key={cell.id} role="gridcell" className="min-w-0 overflow-hidden px-3 py-1">
                    {cell.column.id === 'select' ? (
                      <input
                        type="checkbox"
                        aria-label={`Select ${item.userDisplayName ?? item.userName}, ${accessLabel(item)}`}
                        checked={isSelected}
                        disabled={locked}
                        tabIndex={-1}
                        onChange={(e) => toggle(v.index, (e.nativeEvent as MouseEvent).shiftKey === true)}
                        className="size-4"
                      />
                    ) : (
                      flexRender(cell.column.columnDef.cell, cell.getContext())
                    )}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>

      <div className="flex items-center justify-between text-sm text-ink-muted">
        <span>
          Showing {numbers.format(rows.length)} of {numbers.format(total)}
        </span>
        {items.hasNextPage ? (
          <Button size="sm" variant="secondary" loading={items.isFetchingNextPage} onClick={() => void items.fetchNextPage()}>
            Load more
          </Button>
        ) : null}
      </div>

      {!locked && activeRow ? (
        <div className="flex flex-wrap items-center gap-2 text-sm" aria-label="Active row">
          <span className="text-ink-muted">
            Active: {activeRow.userDisplayName ?? activeRow.userName} — {accessLabel(activeRow)}
          </span>
          <Button size="sm" variant="secondary" onClick={() => decideRow('certify', activeRow)}>
            Certify <Kbd>c</Kbd>
          </Button>
          <Button size="sm" variant="secondary" onClick={() => decideRow('revoke', activeRow)}>
            Revoke <Kbd>r</Kbd>
          </Button>
          <Button size="sm" variant="secondary" onClick={() => notSureRow(activeRow)}>
            Not sure <Kbd>n</Kbd>
          </Button>
          <Button size="sm" variant="secondary" disabled={activeRow.decision === null && !activeRow.awaitingNextStage} onClick={() => undoRow(activeRow)}>
            Undo <Kbd>u</Kbd>
          </Button>
        </div>
      ) : null}

      <DecisionDialog
        state={decisionDialog}
        // The box always opens for a revoke (r = "revoke with a comment box"); it is required only when the campaign says so.
        requireComment={decisionDialog?.decision === 'revoke' ? campaign.revokeNeedsJustification : true}
        notSureTarget={campaign.hasNextStage ? 'the next stage' : 'the fallback reviewer'}
        onClose={() => setDecisionDialog(null)}
        onSubmit={(comment) => {
          const state = decisionDialog;
          setDecisionDialog(null);
          if (!state) return;
          const row = state.single ? rows.find((r) => r.id === state.itemIds[0]) : undefined;
          if (state.decision === 'not_sure') {
            if (row) notSure.mutate({ row, comment });
            return;
          }
          if (state.single) {
            if (row) decide.mutate({ row, decision: state.decision, comment });
            return;
          }
          bulk.mutate({ decision: state.decision, comment, itemIds: state.itemIds });
        }}
      />

      <ConfirmDialog
        open={bulkAllOpen}
        onClose={() => setBulkAllOpen(false)}
        title="Certify every matching item?"
        message={`This certifies all ${numbers.format(total)} items that match the current filter, including rows not loaded yet. If the number changed meanwhile, nothing is saved.`}
        confirmLabel={`Certify ${numbers.format(total)} items`}
        onConfirm={async () => {
          const result = await bulkDecideAction({
            campaignId: campaign.id,
            decision: 'certify',
            target: {
              filter: {
                decision: effectiveFilter.decision,
                signal: effectiveFilter.signal,
                recommendation: effectiveFilter.recommendation,
                q: effectiveFilter.q,
              },
              expectedCount: total,
            },
          });
          if (!result.ok) return result;
          toast({ title: `${numbers.format(result.data.count)} items certified`, tone: 'success' });
          setSelected(new Set());
          await queryClient.invalidateQueries({ queryKey: itemsKey });
          await queryClient.invalidateQueries({ queryKey: progressKey });
        }}
      />

      <SignOffDialog
        open={signOffOpen}
        statement={campaign.attestationStatement}
        onClose={() => setSignOffOpen(false)}
        onConfirm={async () => {
          const result = await signOffAction({ campaignId: campaign.id, statement: campaign.attestationStatement });
          if (!result.ok) return result;
          toast({ title: 'Signed off', description: `${numbers.format(result.data.itemCount)} decisions recorded.`, tone: 'success' });
          router.refresh();
        }}
      />

      <Dialog open={helpOpen} onClose={() => setHelpOpen(false)} title="Keyboard shortcuts" size="sm">
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
          {[
            ['j / ↓', 'Next row'],
            ['k / ↑', 'Previous row'],
            ['c', 'Certify the active row'],
            ['r', 'Revoke the active row (asks for a justification)'],
            ['u', 'Undo the decision of the active row'],
            ['n', 'Not sure: pass the active row on with a comment'],
            ['x', 'Select or unselect the active row'],
            ['shift + x', 'Select the range from the last selected row'],
            ['?', 'This list'],
          ].map(([keys, what]) => (
            <div key={keys} className="contents">
              <dt>
                <Kbd>{keys}</Kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
      </Dialog>
    </div>
  );
}

/** Comment / justification for one decision or a bulk one. */
function DecisionDialog({
  state,
  requireComment,
  notSureTarget,
  onClose,
  onSubmit,
}: {
  state: null | { decision: TDialogIntent; itemIds: number[]; single: boolean };
  requireComment: boolean;
  /** Where "not sure" sends the item, in words. */
  notSureTarget: string;
  onClose: () => void;
  onSubmit: (comment: string) => void;
}) {
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const formId = useId();
  const open = state !== null;
  const [wasOpen, setWasOpen] = useState(open);
  if (open !== wasOpen) {
    setWasOpen(open);
    if (open) {
      setComment('');
      setError(null);
    }
  }
  const intent = state?.decision ?? 'certify';
  const revoke = intent === 'revoke';
  const count = state?.itemIds.length ?? 0;
  const what = count === 1 ? 'this access' : `${numbers.format(count)} items`;
  const copy = {
    certify: { title: `Certify ${what}`, description: 'This access is flagged; say why it is still needed.', label: 'Comment', button: 'Certify', missing: 'A comment is required to certify flagged access.' },
    revoke: { title: `Revoke ${what}`, description: 'Say why the access should be removed. The justification is kept as evidence.', label: 'Justification', button: 'Revoke', missing: 'A justification is required to revoke.' },
    not_sure: {
      title: 'Not sure about this access',
      description: `It goes to ${notSureTarget} with your comment instead of a guess. Say what you are unsure about.`,
      label: 'What are you unsure about?',
      button: 'Pass on',
      missing: 'Say what you are unsure about: the next reviewer reads it.',
    },
  }[intent];

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if ((requireComment || intent === 'not_sure') && !comment.trim()) {
      setError(copy.missing);
      return;
    }
    onSubmit(comment.trim());
  }

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={copy.title}
      description={copy.description}
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" form={formId} variant={revoke ? 'danger' : 'primary'}>
            {copy.button}
          </Button>
        </>
      }
    >
      <form id={formId} onSubmit={submit} noValidate>
        <label className="flex flex-col gap-1 text-sm font-medium">
          {copy.label}
          {requireComment ? null : <span className="font-normal text-ink-muted"> (optional)</span>}
          <Textarea
            data-autofocus=""
            required={requireComment}
            value={comment}
            invalid={error !== null}
            aria-describedby={error ? `${formId}-error` : undefined}
            onChange={(e) => setComment(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) e.currentTarget.form?.requestSubmit();
            }}
            maxLength={2000}
          />
        </label>
        {error ? (
          <p id={`${formId}-error`} className="mt-1 text-sm text-danger-ink">
            {error}
          </p>
        ) : null}
      </form>
    </Dialog>
  );
}

function SignOffDialog({
  open,
  statement,
  onClose,
  onConfirm,
}: {
  open: boolean;
  statement: string;
  onClose: () => void;
  onConfirm: () => Promise<void | { ok: false; error: string }>;
}) {
  return (
    <ConfirmDialog
      open={open}
      onClose={onClose}
      title="Sign off your review"
      confirmLabel="I attest — sign off"
      message={
        <div className="space-y-3">
          <blockquote className="border-l-4 border-line pl-3 whitespace-pre-line">{statement}</blockquote>
          <p className="text-ink-muted">After signing off your decisions are locked.</p>
        </div>
      }
      onConfirm={onConfirm}
    />
  );
}
