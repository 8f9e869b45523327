'use client';

import { useId, useState, type ReactNode } from 'react';
import { useFieldError, useFieldErrors } from '@/components/forms/action-form';
import { Checkbox } from '@/components/ui/checkbox';
import { ErrorIcon } from '@/components/ui/icons';
import { Field, Input } from '@/components/ui/input';

/**
 * Field helpers of the long forms (the campaign wizard, recurring campaigns) inside an
 * `ActionForm`: field names are the dotted error paths of the action's schema, so
 * `defineAction`'s field errors land beside their fields.
 */

function FieldError({ id, name }: { id: string; name: string | string[] }) {
  const names = Array.isArray(name) ? name : [name];
  const all = useFieldErrors();
  const errors = [...new Set(names.flatMap((n) => all[n] ?? []))];
  if (errors.length === 0) return null;
  return (
    <div id={id} className="flex flex-col gap-0.5 text-sm text-danger">
      {errors.map((message) => (
        <p key={message} className="flex items-start gap-1.5">
          <ErrorIcon size={16} className="mt-0.5 shrink-0" />
          <span>{message}</span>
        </p>
      ))}
    </div>
  );
}

/** A fieldset (legend, options, its field errors) for radio groups and checkbox lists. */
export function ChoiceGroup({ legend, hint, error, children }: { legend: string; hint?: string; error: string | string[]; children: ReactNode }) {
  const errorId = useId();
  const hintId = useId();
  const names = Array.isArray(error) ? error : [error];
  const all = useFieldErrors();
  const invalid = names.some((n) => (all[n]?.length ?? 0) > 0);
  return (
    <fieldset className="flex flex-col gap-2" aria-describedby={[invalid ? errorId : '', hint ? hintId : ''].filter(Boolean).join(' ') || undefined} aria-invalid={invalid || undefined}>
      <legend className="mb-1 text-sm font-medium text-ink">{legend}</legend>
      {hint ? (
        <p id={hintId} className="text-sm text-ink-muted">
          {hint}
        </p>
      ) : null}
      {children}
      <FieldError id={errorId} name={error} />
    </fieldset>
  );
}

export function Radio({ name, value, label, checked, onChange, description }: { name: string; value: string; label: string; checked: boolean; onChange: (v: string) => void; description?: string }) {
  const id = useId();
  return (
    <div className="flex items-start gap-2">
      <input id={id} type="radio" name={name} value={value} checked={checked} onChange={() => onChange(value)} className="mt-0.5 size-4 shrink-0 cursor-pointer accent-accent" />
      <div className="flex flex-col">
        <label htmlFor={id} className="cursor-pointer text-sm text-ink">
          {label}
        </label>
        {description ? <p className="text-sm text-ink-muted">{description}</p> : null}
      </div>
    </div>
  );
}

type TTextFieldProps = {
  name: string;
  label: string;
  hint?: ReactNode;
  type?: string;
  required?: boolean;
  defaultValue?: string;
  autoComplete?: string;
  min?: string;
  max?: string;
  inputMode?: 'numeric';
  className?: string;
};

export function TextField({ name, label, hint, type = 'text', required, defaultValue, className, ...rest }: TTextFieldProps) {
  const error = useFieldError(name);
  return (
    <Field label={label} hint={hint} error={error} required={required} className={className}>
      <Input name={name} type={type} defaultValue={defaultValue} {...rest} />
    </Field>
  );
}

/** An unchecked box sends nothing and some flags default to on: the hidden field sends 'true' or 'false' explicitly. */
export function FlagCheckbox({ name, label, description, defaultChecked = false }: { name: string; label: string; description?: string; defaultChecked?: boolean }) {
  const [checked, setChecked] = useState(defaultChecked);
  return (
    <>
      <input type="hidden" name={name} value={checked ? 'true' : 'false'} />
      <Checkbox label={label} description={description} checked={checked} onChange={(e) => setChecked(e.target.checked)} />
    </>
  );
}
