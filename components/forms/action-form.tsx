'use client';

import { createContext, useContext, useState, useTransition, type FormEvent, type ReactNode } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { useToast } from '@/components/ui/toast';
import type { TActionResult } from '@/lib/actions/result';

type TFormState = { pending: boolean; fieldErrors: Record<string, string[]> };
const FormStateContext = createContext<TFormState>({ pending: false, fieldErrors: {} });

/** Every field error of the surrounding ActionForm, keyed by field name (for groups of fields). */
export function useFieldErrors(): Record<string, string[]> {
  return useContext(FormStateContext).fieldErrors;
}

/** The first error message for a field of the surrounding ActionForm, if any. */
export function useFieldError(name: string): string | undefined {
  return useContext(FormStateContext).fieldErrors[name]?.[0];
}

type TActionFormProps<T> = {
  action: (input: FormData) => Promise<TActionResult<T>>;
  children: ReactNode;
  /** Toast shown on success; a function receives the action's data. */
  successMessage?: string | ((data: T) => string);
  onSuccess?: (data: T) => void;
  resetOnSuccess?: boolean;
  className?: string;
  'aria-label'?: string;
};

/**
 * A form bound to a server action made with `defineAction`. Submits without a page reload,
 * keeps what the user typed when the action refuses it, shows field errors beside their
 * fields and the form error above the buttons.
 */
export function ActionForm<T>({ action, children, successMessage, onSuccess, resetOnSuccess, className, ...rest }: TActionFormProps<T>) {
  const [pending, startTransition] = useTransition();
  const [result, setResult] = useState<TActionResult<T> | null>(null);
  const { toast } = useToast();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form, (event.nativeEvent as SubmitEvent).submitter);
    startTransition(async () => {
      const outcome = await action(data);
      setResult(outcome);
      if (outcome.ok) {
        if (successMessage) toast({ title: typeof successMessage === 'function' ? successMessage(outcome.data) : successMessage, tone: 'success' });
        if (resetOnSuccess) form.reset();
        onSuccess?.(outcome.data);
      }
    });
  }

  const fieldErrors = result && !result.ok ? (result.fieldErrors ?? {}) : {};
  const formError = result && !result.ok ? result.error : null;
  return (
    <FormStateContext.Provider value={{ pending, fieldErrors }}>
      <form onSubmit={onSubmit} className={className} noValidate aria-busy={pending} aria-label={rest['aria-label']}>
        {children}
        {formError ? (
          <Alert tone="danger" title="Not saved" className="mt-4">
            {formError}
          </Alert>
        ) : null}
      </form>
    </FormStateContext.Provider>
  );
}

/** A submit button that shows progress while its ActionForm is pending. */
export function SubmitButton({ children, variant = 'primary', name, value }: { children: ReactNode; variant?: 'primary' | 'secondary' | 'danger'; name?: string; value?: string }) {
  const { pending } = useContext(FormStateContext);
  return (
    <Button type="submit" variant={variant} loading={pending} name={name} value={value}>
      {children}
    </Button>
  );
}
