import Link from 'next/link';
import type { ReactNode } from 'react';
import { buttonClasses } from './button-classes';
import { cn } from './cn';
import { ChevronLeftIcon, ChevronRightIcon } from './icons';

export type TPaginationProps = {
  /** 1-based; clamped to the valid range. */
  page: number;
  pageSize: number;
  total: number;
  /** URL of a page, keeping the current filters. Plain links: paging works without JavaScript. */
  hrefFor: (page: number) => string;
  /** Landmark name; set it when a page has two paginated lists. */
  label?: string;
  className?: string;
};

// Fixed locale: server and client must render the same digits (hydration) whatever the browser.
const numbers = new Intl.NumberFormat('en-US');

export function Pagination({ page, pageSize, total, hrefFor, label = 'Pagination', className }: TPaginationProps) {
  const pageCount = Math.max(1, Math.ceil(total / Math.max(1, pageSize)));
  const current = Math.min(Math.max(1, Math.trunc(page) || 1), pageCount);
  const from = total === 0 ? 0 : (current - 1) * pageSize + 1;
  const to = Math.min(total, current * pageSize);

  return (
    <nav aria-label={label} className={cn('flex flex-wrap items-center justify-between gap-3 text-sm', className)}>
      <p className="text-ink-muted tabular-nums">
        {total === 0 ? (
          'No results'
        ) : (
          <>
            Showing <span className="font-medium text-ink">{numbers.format(from)}–{numbers.format(to)}</span> of{' '}
            <span className="font-medium text-ink">{numbers.format(total)}</span>
          </>
        )}
      </p>
      {pageCount > 1 ? (
        <ul className="flex items-center gap-2" data-print="hide">
          <li>
            <PageLink href={current > 1 ? hrefFor(current - 1) : null} rel="prev">
              <ChevronLeftIcon />
              Previous
            </PageLink>
          </li>
          <li className="hidden px-1 text-ink-muted tabular-nums sm:block">
            Page {numbers.format(current)} of {numbers.format(pageCount)}
          </li>
          <li>
            <PageLink href={current < pageCount ? hrefFor(current + 1) : null} rel="next">
              Next
              <ChevronRightIcon />
            </PageLink>
          </li>
        </ul>
      ) : null}
    </nav>
  );
}

function PageLink({ href, rel, children }: { href: string | null; rel: 'prev' | 'next'; children: ReactNode }) {
  const classes = buttonClasses('secondary', 'sm', 'gap-1');
  if (href !== null) {
    return (
      <Link href={href} rel={rel} className={classes}>
        {children}
      </Link>
    );
  }
  // A link without href plus role/aria-disabled: announced as a dimmed link, not focusable.
  return (
    <a role="link" aria-disabled="true" className={cn(classes, 'cursor-not-allowed text-ink-subtle shadow-none')}>
      {children}
    </a>
  );
}
