'use client';

import type { ComponentProps, MouseEvent } from 'react';
import { buttonClasses, type TButtonSize, type TButtonVariant } from './button-classes';
import { Spinner } from './spinner';

export type TButtonProps = ComponentProps<'button'> & {
  variant?: TButtonVariant;
  size?: TButtonSize;
  /** Shows a spinner, sets aria-busy and ignores activation until it is false again. */
  loading?: boolean;
};

/**
 * While loading the button is aria-disabled rather than `disabled`: a disabled element loses
 * focus (Chrome moves it to <body>), which strands keyboard users mid-form or mid-dialog.
 * Clicks, including the implicit submit from Enter in a text field, are swallowed instead.
 */
export function Button({
  variant = 'primary',
  size = 'md',
  loading = false,
  type = 'button',
  className,
  children,
  onClick,
  disabled,
  ...props
}: TButtonProps) {
  function handleClick(event: MouseEvent<HTMLButtonElement>) {
    if (loading) {
      event.preventDefault();
      return;
    }
    onClick?.(event);
  }

  return (
    <button
      type={type}
      className={buttonClasses(variant, size, className)}
      disabled={disabled}
      aria-disabled={loading || undefined}
      aria-busy={loading || undefined}
      onClick={handleClick}
      {...props}
    >
      {loading ? <Spinner size="sm" /> : null}
      {children}
    </button>
  );
}
