import Link from 'next/link';
import type { ReactNode } from 'react';
import { cn } from './cn';
import { ChevronRightIcon } from './icons';

export type TBreadcrumb = { label: string; href?: string };

export type TPageHeaderProps = {
  title: ReactNode;
  description?: ReactNode;
  /** Primary page actions, right-aligned; hidden when printing. */
  actions?: ReactNode;
  /** Trail from the top level to this page; the last item is the current page. */
  breadcrumbs?: readonly TBreadcrumb[];
  className?: string;
};

export function PageHeader({ title, description, actions, breadcrumbs, className }: TPageHeaderProps) {
  return (
    <div className={cn('flex flex-col gap-2', className)}>
      {breadcrumbs && breadcrumbs.length > 0 ? (
        <nav aria-label="Breadcrumb">
          <ol className="flex flex-wrap items-center gap-1 text-sm text-ink-muted">
            {breadcrumbs.map((crumb, index) => {
              const current = index === breadcrumbs.length - 1;
              return (
                <li key={`${index}-${crumb.label}`} className="flex items-center gap-1">
                  {index > 0 ? <ChevronRightIcon size={14} className="shrink-0" /> : null}
                  {crumb.href !== undefined && !current ? (
                    <Link href={crumb.href} className="rounded-sm hover:text-ink hover:underline">
                      {crumb.label}
                    </Link>
                  ) : (
                    <span aria-current={current ? 'page' : undefined} className={cn(current && 'text-ink')}>
                      {crumb.label}
                    </span>
                  )}
                </li>
              );
            })}
          </ol>
        </nav>
      ) : null}
      <div className="flex flex-wrap items-start justify-between gap-x-6 gap-y-3">
        <div className="min-w-0">
          <h1 className="text-xl font-semibold tracking-tight text-ink">{title}</h1>
          {description !== undefined ? <div className="mt-1 max-w-3xl text-sm text-ink-muted">{description}</div> : null}
        </div>
        {actions !== undefined ? (
          <div className="flex flex-wrap items-center gap-2" data-print="hide">
            {actions}
          </div>
        ) : null}
      </div>
    </div>
  );
}
