import type { ComponentProps } from 'react';
import { cn } from './cn';

export function Kbd({ className, ...props }: ComponentProps<'kbd'>) {
  return (
    <kbd
      className={cn(
        'inline-flex min-w-5 items-center justify-center rounded-sm border border-line-strong bg-surface px-1 font-mono text-xs leading-4 text-ink-muted shadow-[inset_0_-1px_0_var(--color-line-strong)]',
        className,
      )}
      {...props}
    />
  );
}
