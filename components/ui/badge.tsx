import type { ComponentProps } from 'react';
import { cn } from './cn';
import type { TStatusTone } from './tones';

export type TBadgeTone = 'neutral' | TStatusTone;

export type TBadgeProps = ComponentProps<'span'> & {
  tone?: TBadgeTone;
  /**
   * Extra explanation, shown as a tooltip on hover and read by screen readers. Native tooltips
   * never appear for keyboard or touch users, so nothing essential should live only here.
   */
  title?: string;
};

// Each pair is ≥ 6.8:1 (ink on soft).
const tones: Record<TBadgeTone, string> = {
  neutral: 'border-line bg-surface-muted text-ink-muted',
  info: 'border-info-line bg-info-soft text-info-ink',
  success: 'border-success-line bg-success-soft text-success-ink',
  warning: 'border-warning-line bg-warning-soft text-warning-ink',
  danger: 'border-danger-line bg-danger-soft text-danger-ink',
};

export function Badge({ tone = 'neutral', title, className, children, ...props }: TBadgeProps) {
  return (
    <span
      title={title}
      className={cn(
        'inline-flex items-center gap-1 rounded-control border px-1.5 py-0.5 text-xs leading-4 font-medium whitespace-nowrap',
        title !== undefined && 'cursor-help',
        tones[tone],
        className,
      )}
      {...props}
    >
      {children}
      {title !== undefined ? <span className="sr-only">{` (${title})`}</span> : null}
    </span>
  );
}
