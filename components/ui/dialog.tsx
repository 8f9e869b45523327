'use client';

import { useEffect, useId, useLayoutEffect, useRef, useState, type ReactNode, type SyntheticEvent } from 'react';
import { Alert } from './alert';
import { Button } from './button';
import { cn } from './cn';
import { CloseIcon } from './icons';

export type TDialogSize = 'sm' | 'md' | 'lg';

export type TDialogProps = {
  open: boolean;
  /** Called when the user dismisses the dialog (Escape, close button); set `open` to false in it. */
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  /** Buttons, right-aligned. Put `data-autofocus` on the element that should get focus first. */
  footer?: ReactNode;
  size?: TDialogSize;
  /** false blocks Escape and the close button, e.g. while a request is in flight. */
  dismissible?: boolean;
  className?: string;
};

const widths: Record<TDialogSize, string> = { sm: 'max-w-md', md: 'max-w-lg', lg: 'max-w-2xl' };

function restoreFocus(element: Element | null) {
  if (element instanceof HTMLElement && element.isConnected) element.focus();
}

/**
 * Modal on the native <dialog> with showModal(): the browser provides the focus trap, Escape,
 * inert background and top-layer stacking. Content mounts only while open, so forms start fresh
 * each time. Initial focus goes to the first `[data-autofocus]` element, else the browser's
 * choice (the first focusable element, i.e. the close button).
 */
export function Dialog({
  open,
  onClose,
  title,
  description,
  children,
  footer,
  size = 'md',
  dismissible = true,
  className,
}: TDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  // Set when the parent closed us, so the native close event does not call onClose back.
  const closingFromProp = useRef(false);
  const titleId = useId();
  const descriptionId = useId();

  // Layout effect: open/close in the same frame as the content (un)mounts, so no empty flash.
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement;
      dialog.showModal();
      const preferred = dialog.querySelector<HTMLElement>('[data-autofocus]');
      preferred?.focus();
    } else if (!open && dialog.open) {
      closingFromProp.current = true;
      dialog.close();
    }
  }, [open]);

  // Unmounted while open (e.g. navigation): still hand focus back.
  useEffect(() => {
    const dialog = ref.current;
    return () => {
      if (dialog?.open) {
        closingFromProp.current = true;
        dialog.close();
        restoreFocus(opener.current);
      }
    };
  }, []);

  function handleCancel(event: SyntheticEvent<HTMLDialogElement>) {
    if (!dismissible) event.preventDefault();
  }

  function handleClose() {
    // The close event is queued; under StrictMode's effect replay it can land after a re-open.
    if (ref.current?.open) {
      closingFromProp.current = false;
      return;
    }
    // Browsers restore focus on close too, but not reliably when the opener re-rendered.
    restoreFocus(opener.current);
    opener.current = null;
    if (closingFromProp.current) {
      closingFromProp.current = false;
      return;
    }
    onClose();
  }

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description !== undefined ? descriptionId : undefined}
      onCancel={handleCancel}
      onClose={handleClose}
      data-print="hide"
      className={cn(
        // Preflight zeroes margins; m-auto restores the browser's centring.
        'm-auto max-h-[calc(100dvh-2rem)] outline-none w-[calc(100%-2rem)] flex-col overflow-hidden rounded-card bg-surface text-ink shadow-xl open:flex',
        widths[size],
        className,
      )}
    >
      {open ? (
        <>
          <div className="flex items-start justify-between gap-4 border-b border-line px-5 py-4">
            <div className="min-w-0">
              <h2 id={titleId} className="text-base font-semibold text-ink">
                {title}
              </h2>
              {description !== undefined ? (
                <div id={descriptionId} className="mt-1 text-sm text-ink-muted">
                  {description}
                </div>
              ) : null}
            </div>
            <button
              type="button"
              aria-label="Close"
              onClick={onClose}
              disabled={!dismissible}
              className="-mr-1.5 -mt-0.5 rounded-control p-1.5 text-ink-muted not-disabled:hover:bg-surface-muted not-disabled:hover:text-ink disabled:opacity-50"
            >
              <CloseIcon size={18} />
            </button>
          </div>
          {children !== undefined ? <div className="min-h-0 flex-1 overflow-y-auto px-5 py-4">{children}</div> : null}
          {footer !== undefined ? (
            <div className="flex flex-wrap justify-end gap-2 border-t border-line bg-surface-subtle px-5 py-3">
              {footer}
            </div>
          ) : null}
        </>
      ) : null}
    </dialog>
  );
}

/** `void` closes; `{ ok: false, error }` (a server action's TActionResult fits) keeps the dialog open and shows the error. */
export type TConfirmOutcome = void | { ok: true } | { ok: false; error: string };

export type TConfirmDialogProps = {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  message: ReactNode;
  confirmLabel?: string;
  cancelLabel?: string;
  /** Red confirm button, and initial focus on Cancel so Enter does not destroy by reflex. */
  danger?: boolean;
  onConfirm: () => TConfirmOutcome | Promise<TConfirmOutcome>;
};

export function ConfirmDialog({
  open,
  onClose,
  title,
  message,
  confirmLabel = 'Confirm',
  cancelLabel = 'Cancel',
  danger = false,
  onConfirm,
}: TConfirmDialogProps) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // Reset between openings, during render rather than in an effect (React docs: "adjusting state when a prop changes").
  const [wasOpen, setWasOpen] = useState(open);
  if (open !== wasOpen) {
    setWasOpen(open);
    if (open) setError(null);
  }

  async function confirm() {
    setPending(true);
    setError(null);
    try {
      const outcome = await onConfirm();
      if (outcome && !outcome.ok) {
        setError(outcome.error);
        return;
      }
      onClose();
    } catch {
      // A thrown error is unexpected; its message may be internal, so it is not shown.
      setError('Something went wrong. Reload the page to see the current state, then try again.');
    } finally {
      setPending(false);
    }
  }

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={title}
      size="sm"
      dismissible={!pending}
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={pending} data-autofocus={danger ? '' : undefined}>
            {cancelLabel}
          </Button>
          <Button
            variant={danger ? 'danger' : 'primary'}
            onClick={confirm}
            loading={pending}
            data-autofocus={danger ? undefined : ''}
          >
            {confirmLabel}
          </Button>
        </>
      }
    >
      <div className="text-sm text-ink">{message}</div>
      {error !== null ? (
        <Alert tone="danger" className="mt-4">
          {error}
        </Alert>
      ) : null}
    </Dialog>
  );
}
