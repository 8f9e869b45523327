import type { ReactNode } from 'react';
import { cn } from './cn';
import { InboxIcon } from './icons';

export type TEmptyStateProps = {
  title: ReactNode;
  description?: ReactNode;
  /** A button or link for the next step ("Take a snapshot"). */
  action?: ReactNode;
  /** Decorative; defaults to an inbox. Pass null for none. */
  icon?: ReactNode;
  /** Heading level that fits the page outline; "p" when it should not be a heading. */
  as?: 'h2' | 'h3' | 'p';
  className?: string;
};

export function EmptyState({ title, description, action, icon, as: Heading = 'h2', className }: TEmptyStateProps) {
  return (
    <div
      className={cn(
        'flex flex-col items-center rounded-card border border-dashed border-line-strong bg-surface px-6 py-10 text-center',
        className,
      )}
    >
      {icon === undefined ? <InboxIcon size={28} className="mb-3 text-ink-subtle" /> : icon}
      <Heading className="text-sm font-semibold text-ink">{title}</Heading>
      {description !== undefined ? <div className="mt-1 max-w-md text-sm text-ink-muted">{description}</div> : null}
      {action !== undefined ? <div className="mt-4">{action}</div> : null}
    </div>
  );
}
