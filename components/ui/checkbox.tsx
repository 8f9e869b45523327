'use client';

import { useEffect, useId, useRef, type ComponentProps, type ReactNode } from 'react';
import { cn } from './cn';

export type TCheckboxProps = Omit<ComponentProps<'input'>, 'type'> & {
  label: ReactNode;
  description?: ReactNode;
  /** Visually hide the label, e.g. "Select Jane Doe" in a table row. */
  labelHidden?: boolean;
  /** "Some selected" state for select-all boxes; exposed to assistive tech as mixed. */
  indeterminate?: boolean;
  invalid?: boolean;
};

export function Checkbox({
  label,
  description,
  labelHidden,
  indeterminate = false,
  invalid,
  id,
  className,
  ref,
  ...props
}: TCheckboxProps) {
  const generated = useId();
  const inputId = id ?? generated;
  const descriptionId = `${inputId}-description`;
  const inner = useRef<HTMLInputElement | null>(null);

  // `indeterminate` is a DOM property only; there is no HTML attribute for it.
  useEffect(() => {
    if (inner.current) inner.current.indeterminate = indeterminate;
  }, [indeterminate]);

  return (
    <div className={cn('flex items-start gap-2', className)}>
      <input
        {...props}
        ref={(element) => {
          inner.current = element;
          if (typeof ref === 'function') return ref(element);
          if (ref) ref.current = element;
        }}
        id={inputId}
        type="checkbox"
        aria-invalid={invalid || undefined}
        aria-describedby={cn(description !== undefined && descriptionId, props['aria-describedby']) || undefined}
        className="mt-0.5 size-4 shrink-0 cursor-pointer accent-accent disabled:cursor-not-allowed"
      />
      <div className={cn('flex flex-col', labelHidden && 'sr-only')}>
        <label htmlFor={inputId} className="cursor-pointer text-sm text-ink">
          {label}
        </label>
        {description !== undefined ? (
          <p id={descriptionId} className="text-sm text-ink-muted">
            {description}
          </p>
        ) : null}
      </div>
    </div>
  );
}
