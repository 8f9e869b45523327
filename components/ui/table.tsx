import Link from 'next/link';
import type { ComponentProps, CSSProperties, ReactNode } from 'react';
import { cn } from './cn';
import { ChevronDownIcon, ChevronUpDownIcon, ChevronUpIcon } from './icons';

export type TSortDirection = 'asc' | 'desc' | null;

export type TTableProps = ComponentProps<'table'> & {
  /** Accessible name of the scroll region, e.g. "Users in snapshot". */
  label: string;
  /**
   * Height limit of the scroll region. The sticky header only sticks inside this region, because
   * an overflow container (needed for horizontal scroll) stops sticky against the page.
   * Pass "none" to let the table grow with the page (the header then does not stick).
   */
  maxHeight?: string;
  /** Classes for the scroll wrapper (border, rounding, margins). */
  containerClassName?: string;
};

/**
 * Table inside a keyboard-focusable scroll region (axe: scrollable-region-focusable).
 * border-separate, not collapse: with collapse, cell borders scroll away from a sticky header.
 */
export function Table({ label, maxHeight = '70vh', containerClassName, className, children, ...props }: TTableProps) {
  const style: CSSProperties | undefined = maxHeight === 'none' ? undefined : { maxHeight };
  return (
    <div
      role="region"
      aria-label={label}
      tabIndex={0}
      data-table-scroll=""
      style={style}
      className={cn('overflow-auto rounded-card border border-line bg-surface', containerClassName)}
    >
      {/* The table carries the same name as its scroll region, so both are findable by it. */}
      <table aria-label={label} className={cn('w-full border-separate border-spacing-0 text-left text-sm', className)} {...props}>
        {children}
      </table>
    </div>
  );
}

export type TTableCaptionProps = ComponentProps<'caption'> & { srOnly?: boolean };

export function TableCaption({ srOnly, className, ...props }: TTableCaptionProps) {
  return (
    <caption
      className={cn(srOnly ? 'sr-only' : 'px-3 py-2 text-left text-sm text-ink-muted caption-top', className)}
      {...props}
    />
  );
}

export function THead({ className, ...props }: ComponentProps<'thead'>) {
  return <thead className={cn('text-ink-muted', className)} {...props} />;
}

export function TBody({ className, ...props }: ComponentProps<'tbody'>) {
  return <tbody className={cn('[&>tr:last-child>*]:border-b-0', className)} {...props} />;
}

export type TTableRowProps = ComponentProps<'tr'> & {
  /** Highlights the row (e.g. checked in a bulk-selection grid). Pair with a checkbox for AT. */
  selected?: boolean;
};

export function TR({ selected, className, ...props }: TTableRowProps) {
  return (
    <tr
      data-selected={selected || undefined}
      className={cn(
        'even:bg-surface-subtle hover:bg-surface-muted data-selected:bg-accent-soft',
        className,
      )}
      {...props}
    />
  );
}

export type TTableHeaderCellProps = Omit<ComponentProps<'th'>, 'children'> & {
  children: ReactNode;
  numeric?: boolean;
  /**
   * Makes the column sortable. undefined = not sortable; null = sortable, currently unsorted.
   * Provide `sortHref` (server-rendered pages, works without JS) or `onSort` (client tables).
   */
  sort?: TSortDirection;
  sortHref?: string;
  onSort?: () => void;
};

const ariaSort = { asc: 'ascending', desc: 'descending' } as const;

export function TH({ numeric, sort, sortHref, onSort, scope = 'col', className, children, ...props }: TTableHeaderCellProps) {
  const sortable = sort !== undefined && (sortHref !== undefined || onSort !== undefined);
  const cell = cn(
    'sticky top-0 z-10 border-b border-line bg-surface-muted px-3 py-2 text-xs font-semibold whitespace-nowrap',
    numeric && 'text-right',
    className,
  );

  if (!sortable) {
    return (
      <th scope={scope} className={cell} {...props}>
        {children}
      </th>
    );
  }

  const icon =
    sort === 'asc' ? (
      <ChevronUpIcon size={14} />
    ) : sort === 'desc' ? (
      <ChevronDownIcon size={14} />
    ) : (
      <ChevronUpDownIcon size={14} className="opacity-70" />
    );
  const control = cn(
    '-mx-1.5 inline-flex items-center gap-1 rounded-sm px-1.5 py-0.5 hover:bg-line hover:text-ink',
    numeric && 'flex-row-reverse',
    sort && 'text-ink',
  );

  return (
    // aria-sort only on the sorted column: the spec expects one sorted header per table.
    <th scope={scope} aria-sort={sort ? ariaSort[sort] : undefined} className={cell} {...props}>
      {sortHref !== undefined ? (
        <Link href={sortHref} className={control} scroll={false}>
          {children}
          {icon}
        </Link>
      ) : (
        <button type="button" onClick={onSort} className={control}>
          {children}
          {icon}
        </button>
      )}
    </th>
  );
}

export type TTableCellProps = ComponentProps<'td'> & { numeric?: boolean };

export function TD({ numeric, className, ...props }: TTableCellProps) {
  return (
    <td
      className={cn('border-b border-line px-3 py-2 align-top text-ink', numeric && 'numeric', className)}
      {...props}
    />
  );
}

export type TTableEmptyProps = {
  /** Number of columns in the table, so the message spans the full width. */
  colSpan: number;
  children: ReactNode;
};

export function TableEmpty({ colSpan, children }: TTableEmptyProps) {
  return (
    <tr>
      <td colSpan={colSpan} className="px-3 py-10 text-center text-sm text-ink-muted">
        {children}
      </td>
    </tr>
  );
}
