import {
  cloneElement,
  isValidElement,
  useId,
  type ComponentProps,
  type ReactElement,
  type ReactNode,
} from 'react';
import { cn } from './cn';
import { ChevronDownIcon, ErrorIcon } from './icons';

// Checkbox needs an effect for `indeterminate`, so it lives in a client module.
export { Checkbox, type TCheckboxProps } from './checkbox';

export type TFieldControlProps = {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
  required?: boolean;
};

export type TFieldProps = {
  label: ReactNode;
  hint?: ReactNode;
  /** One message, or zod's `fieldErrors[name]` array as returned by a server action. */
  error?: string | readonly string[];
  required?: boolean;
  /** Visually hide the label (it stays the control's accessible name). */
  labelHidden?: boolean;
  id?: string;
  className?: string;
  /**
   * A single control (it receives id, aria-describedby, aria-invalid and required), or a
   * function for when the control is not the direct child.
   */
  children: ReactElement<Partial<TFieldControlProps>> | ((control: TFieldControlProps) => ReactNode);
};

/**
 * Label + hint + error around one control.
 *
 * Errors are NOT a live region. After a failed submit every invalid field would announce at
 * once (and again on each re-render). Instead the form should show one summary <Alert tone="danger">
 * (role="alert") and move focus to the first invalid field; each field's own message is read
 * when the field is focused, through aria-describedby, and aria-invalid marks it invalid.
 */
export function Field({ label, hint, error, required, labelHidden, id, className, children }: TFieldProps) {
  const generated = useId();
  const childId = isValidElement(children) ? children.props.id : undefined;
  const controlId = id ?? childId ?? generated;
  const hintId = `${controlId}-hint`;
  const errorId = `${controlId}-error`;
  const messages = error === undefined ? [] : typeof error === 'string' ? [error] : error;
  const hasError = messages.length > 0;

  const describedBy = cn(hasError && errorId, hint !== undefined && hintId);
  // Only set keys: cloneElement would let an explicit undefined wipe the child's own prop.
  const control: TFieldControlProps = { id: controlId };
  if (describedBy) control['aria-describedby'] = describedBy;
  if (hasError) control['aria-invalid'] = true;
  if (required) control.required = true;

  let rendered: ReactNode;
  if (typeof children === 'function') {
    rendered = children(control);
  } else {
    const own = children.props['aria-describedby'];
    rendered = cloneElement(children, {
      ...control,
      ...(own ? { 'aria-describedby': cn(describedBy, own) } : {}),
    });
  }

  return (
    <div className={cn('flex flex-col gap-1.5', className)}>
      <label htmlFor={controlId} className={cn('text-sm font-medium text-ink', labelHidden && 'sr-only')}>
        {label}
        {required ? (
          // The control's `required` is what assistive tech announces; the asterisk is visual.
          <span aria-hidden="true" className="ml-0.5 text-danger">
            *
          </span>
        ) : null}
      </label>
      {hint !== undefined ? (
        <p id={hintId} className="text-sm text-ink-muted">
          {hint}
        </p>
      ) : null}
      {rendered}
      {hasError ? (
        <div id={errorId} className="flex flex-col gap-0.5 text-sm text-danger">
          {messages.map((message) => (
            <p key={message} className="flex items-start gap-1.5">
              <ErrorIcon size={16} className="mt-0.5 shrink-0" />
              <span>{message}</span>
            </p>
          ))}
        </div>
      ) : null}
    </div>
  );
}

const controlBase =
  'block w-full rounded-control border border-line-input bg-surface text-sm text-ink shadow-xs ' +
  'placeholder:text-ink-subtle disabled:cursor-not-allowed disabled:bg-surface-muted disabled:text-ink-muted ' +
  '[&[readonly]]:bg-surface-subtle aria-[invalid=true]:border-danger';

export type TInputProps = ComponentProps<'input'> & {
  /** For use outside <Field>; inside a Field the error prop sets this. */
  invalid?: boolean;
};

export function Input({ invalid, className, type = 'text', ...props }: TInputProps) {
  return (
    <input
      type={type}
      aria-invalid={invalid || undefined}
      className={cn(controlBase, 'h-9 px-3', className)}
      {...props}
    />
  );
}

export type TTextareaProps = ComponentProps<'textarea'> & { invalid?: boolean };

export function Textarea({ invalid, className, rows = 3, ...props }: TTextareaProps) {
  return (
    <textarea
      rows={rows}
      aria-invalid={invalid || undefined}
      className={cn(controlBase, 'min-h-16 px-3 py-2 leading-6', className)}
      {...props}
    />
  );
}

export type TSelectProps = ComponentProps<'select'> & {
  invalid?: boolean;
  /** Adds a first empty option, e.g. "Choose a reviewer…". Pair with `required` to force a choice. */
  placeholder?: string;
  /** Classes for the wrapper (width, margins); the select fills it. The wrapper is block-level. */
  className?: string;
};

/** Native select (keyboard, type-ahead and mobile pickers for free) with a consistent chevron. */
export function Select({ invalid, placeholder, className, children, ...props }: TSelectProps) {
  return (
    <span className={cn('grid', className)}>
      <select
        aria-invalid={invalid || undefined}
        className={cn(controlBase, 'col-start-1 row-start-1 h-9 appearance-none pr-9 pl-3')}
        {...props}
      >
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {children}
      </select>
      <ChevronDownIcon
        className="pointer-events-none col-start-1 row-start-1 mr-3 self-center justify-self-end text-ink-muted"
      />
    </span>
  );
}
