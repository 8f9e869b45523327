import Link from 'next/link';
import type { ComponentProps, ReactNode } from 'react';
import { cn } from './cn';
import { ChevronRightIcon } from './icons';

export function Card({ className, ...props }: ComponentProps<'div'>) {
  return <div className={cn('rounded-card border border-line bg-surface shadow-xs', className)} {...props} />;
}

export type TCardHeaderProps = Omit<ComponentProps<'div'>, 'title'> & {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  /** Heading level; h2 under a page's h1, h3 for cards nested in a section. */
  as?: 'h2' | 'h3';
};

export function CardHeader({ title, description, actions, as: Heading = 'h2', className, ...props }: TCardHeaderProps) {
  return (
    <div className={cn('flex items-start justify-between gap-4 border-b border-line px-5 py-3.5', className)} {...props}>
      <div className="min-w-0">
        <Heading className="text-base font-semibold text-ink">{title}</Heading>
        {description !== undefined ? <div className="mt-0.5 text-sm text-ink-muted">{description}</div> : null}
      </div>
      {actions !== undefined ? (
        <div className="flex shrink-0 items-center gap-2" data-print="hide">
          {actions}
        </div>
      ) : null}
    </div>
  );
}

export function CardBody({ className, ...props }: ComponentProps<'div'>) {
  return <div className={cn('px-5 py-4', className)} {...props} />;
}

export type TStatTone = 'neutral' | 'success' | 'warning' | 'danger';

export type TStatCardProps = {
  label: ReactNode;
  value: ReactNode;
  hint?: ReactNode;
  /** Makes the whole card one link (its accessible name is label + value + hint). */
  href?: string;
  /** Colours the value, e.g. warning for "12 overdue". */
  tone?: TStatTone;
  className?: string;
};

const valueTones: Record<TStatTone, string> = {
  neutral: 'text-ink',
  success: 'text-success',
  warning: 'text-warning',
  danger: 'text-danger',
};

export function StatCard({ label, value, hint, href, tone = 'neutral', className }: TStatCardProps) {
  const content = (
    <>
      <span className="block text-sm text-ink-muted">{label}</span>
      <span className={cn('mt-1 block text-2xl font-semibold tabular-nums', valueTones[tone])}>{value}</span>
      {hint !== undefined ? <span className="mt-1 block text-xs text-ink-muted">{hint}</span> : null}
    </>
  );
  const box = 'relative block rounded-card border border-line bg-surface px-5 py-4 shadow-xs';

  if (href === undefined) return <div className={cn(box, className)}>{content}</div>;
  return (
    <Link href={href} className={cn(box, 'group transition-colors hover:border-accent-line hover:bg-accent-soft/40', className)}>
      {content}
      <ChevronRightIcon className="absolute top-4 right-4 text-ink-muted group-hover:text-accent-ink" />
    </Link>
  );
}
