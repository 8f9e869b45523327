import { cn } from './cn';

export type TButtonVariant = 'primary' | 'secondary' | 'ghost' | 'danger';
export type TButtonSize = 'sm' | 'md';

const base =
  'inline-flex items-center justify-center gap-2 whitespace-nowrap rounded-control font-medium select-none ' +
  'transition-colors duration-150 disabled:cursor-not-allowed disabled:opacity-60 ' +
  'aria-disabled:not-aria-busy:cursor-not-allowed aria-busy:cursor-wait';

// `not-disabled:` keeps hover from firing on disabled buttons while still working on <a>.
const variants: Record<TButtonVariant, string> = {
  primary: 'bg-accent text-on-accent shadow-xs not-disabled:hover:bg-accent-hover',
  secondary:
    'border border-line-strong bg-surface text-ink shadow-xs not-disabled:hover:bg-surface-muted',
  ghost: 'text-ink-muted not-disabled:hover:bg-surface-muted not-disabled:hover:text-ink',
  danger: 'bg-danger text-white shadow-xs not-disabled:hover:bg-danger-hover',
};

const sizes: Record<TButtonSize, string> = {
  sm: 'h-8 px-3 text-sm',
  md: 'h-9 px-4 text-sm',
};

/** Button look for anything that is not a <Button>, e.g. a Next <Link>. */
export function buttonClasses(
  variant: TButtonVariant = 'primary',
  size: TButtonSize = 'md',
  className?: string,
): string {
  return cn(base, variants[variant], sizes[size], className);
}
