import { useId } from 'react';
import { cn } from './cn';

export type TProgressTone = 'accent' | 'success' | 'warning' | 'danger';

export type TProgressProps = {
  /** Current amount; ignored when indeterminate. */
  value?: number | null;
  max?: number;
  /** Accessible name, shown above the bar unless hideLabel. */
  label: string;
  hideLabel?: boolean;
  /** Unknown total (e.g. before the first SCIM page reports totalResults). */
  indeterminate?: boolean;
  /** Human reading of the value, e.g. "412 of 1,000 users"; shown and used as aria-valuetext. */
  valueText?: string;
  showPercent?: boolean;
  tone?: TProgressTone;
  size?: 'sm' | 'md';
  className?: string;
};

const fills: Record<TProgressTone, string> = {
  accent: 'bg-accent',
  success: 'bg-success',
  warning: 'bg-warning',
  danger: 'bg-danger',
};

/**
 * Value changes are not announced (a live percentage every second is noise); announce
 * milestones such as "Snapshot complete" with a toast or an Alert instead.
 */
export function Progress({
  value,
  max = 100,
  label,
  hideLabel = false,
  indeterminate = false,
  valueText,
  showPercent = true,
  tone = 'accent',
  size = 'md',
  className,
}: TProgressProps) {
  const labelId = useId();
  const unknown = indeterminate || value === null || value === undefined;
  const safeMax = max > 0 ? max : 1;
  const clamped = unknown ? 0 : Math.min(Math.max(value, 0), safeMax);
  // floor: 99.6% must not read "100%" while work is still running.
  const percent = Math.floor((clamped / safeMax) * 100);
  const statusText = unknown ? 'In progress…' : `${percent}%`;

  return (
    <div className={cn('flex flex-col gap-1.5', className)}>
      {!hideLabel || showPercent || valueText !== undefined ? (
        <div className={cn('flex items-baseline gap-4 text-sm', hideLabel ? 'justify-end' : 'justify-between')}>
          {!hideLabel ? (
            <span id={labelId} className="font-medium text-ink">
              {label}
            </span>
          ) : null}
          {/* Hidden from AT: the same information is on the progressbar as aria-valuetext. */}
          <span className="text-ink-muted tabular-nums" aria-hidden="true">
            {valueText !== undefined ? <span className="mr-2">{valueText}</span> : null}
            {showPercent || unknown ? statusText : null}
          </span>
        </div>
      ) : null}
      <div
        role="progressbar"
        aria-labelledby={hideLabel ? undefined : labelId}
        aria-label={hideLabel ? label : undefined}
        aria-valuemin={0}
        aria-valuemax={safeMax}
        aria-valuenow={unknown ? undefined : clamped}
        aria-valuetext={unknown ? valueText : (valueText ?? `${percent}%`)}
        className={cn(
          'relative overflow-hidden rounded-full bg-surface-muted ring-1 ring-line ring-inset',
          size === 'sm' ? 'h-1.5' : 'h-2.5',
        )}
      >
        {unknown ? (
          <div
            className={cn(
              'absolute inset-y-0 left-0 w-2/5 rounded-full animate-progress-indeterminate',
              // Reduced motion: a dimmed full bar instead of a still 40% bar that would read as a value.
              'motion-reduce:w-full motion-reduce:animate-none motion-reduce:opacity-40',
              fills[tone],
            )}
          />
        ) : (
          <div
            className={cn(
              'h-full rounded-full transition-[width] duration-500 ease-out motion-reduce:transition-none',
              fills[tone],
            )}
            style={{ width: `${((clamped / safeMax) * 100).toFixed(2)}%` }}
          />
        )}
      </div>
    </div>
  );
}
