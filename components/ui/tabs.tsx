import Link from 'next/link';
import { cn } from './cn';

export type TTabNavItem = {
  href: string;
  label: string;
  active?: boolean;
  /** Optional count shown after the label, e.g. open items. */
  count?: number;
};

export type TTabNavProps = {
  items: readonly TTabNavItem[];
  /** Names the navigation landmark, e.g. "Campaign sections". */
  label: string;
  className?: string;
};

const numbers = new Intl.NumberFormat('en-US');

/**
 * Tabs as links between server-rendered pages, so not the ARIA tablist pattern (which
 * promises arrow-key switching of in-page panels): a nav with aria-current="page".
 */
export function TabNav({ items, label, className }: TTabNavProps) {
  return (
    <nav aria-label={label} className={cn('border-b border-line', className)}>
      <ul className="-mb-px flex gap-5 overflow-x-auto">
        {items.map((item) => (
          <li key={item.href} className="shrink-0">
            <Link
              href={item.href}
              aria-current={item.active ? 'page' : undefined}
              className={cn(
                'inline-flex items-center gap-2 border-b-2 px-0.5 py-2 text-sm font-medium whitespace-nowrap',
                item.active
                  ? 'border-accent text-accent-ink'
                  : 'border-transparent text-ink-muted hover:border-line-strong hover:text-ink',
              )}
            >
              {item.label}
              {item.count !== undefined ? (
                <span className="rounded-full bg-surface-muted px-1.5 text-xs leading-5 tabular-nums text-ink-muted">
                  {numbers.format(item.count)}
                </span>
              ) : null}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
