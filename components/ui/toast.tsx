'use client';

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { cn } from './cn';
import { CheckCircleIcon, CloseIcon, ErrorIcon, InfoIcon, WarningIcon } from './icons';
import type { TStatusTone } from './tones';

export type TToastOptions = {
  title: string;
  description?: string;
  tone?: TStatusTone;
  /** Milliseconds before it hides itself; null keeps it until dismissed. Defaults: 5 s, danger stays. */
  duration?: number | null;
};

type TToastItem = Required<Pick<TToastOptions, 'title' | 'tone'>> &
  Pick<TToastOptions, 'description'> & { id: number; duration: number | null };

export type TToastApi = {
  /** Shows a toast and returns its id. */
  toast: (options: TToastOptions) => number;
  dismiss: (id: number) => void;
};

const ToastContext = createContext<TToastApi | null>(null);

const DEFAULT_DURATION = 5_000;
const MAX_VISIBLE = 5;
/*
 * Delay before text enters the live region. A toast is often raised just before a modal
 * <dialog> closes; while the modal is open the rest of the page is inert and hidden from
 * assistive tech, so an immediate announcement can be lost.
 */
const ANNOUNCE_DELAY = 150;

export function useToast(): TToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error('useToast must be used inside <ToastProvider>');
  return api;
}

/**
 * Visual toasts and their announcements are separate: announcements go to two always-present
 * screen-reader-only live regions (polite for info/success/warning, assertive for danger),
 * which must exist before their content changes to be announced. The visible stack is not
 * live, so its Dismiss buttons are not read out with every message.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<TToastItem[]>([]);
  const [announced, setAnnounced] = useState<TToastItem[]>([]);
  const nextId = useRef(1);
  // Dismissed before its announcement fired: skip announcing it.
  const gone = useRef(new Set<number>());

  const dismiss = useCallback((id: number) => {
    gone.current.add(id);
    setToasts((current) => current.filter((t) => t.id !== id));
    setAnnounced((current) => current.filter((t) => t.id !== id));
  }, []);

  const toast = useCallback((options: TToastOptions) => {
    const id = nextId.current++;
    const tone = options.tone ?? 'info';
    const item: TToastItem = {
      id,
      title: options.title,
      description: options.description,
      tone,
      duration: options.duration !== undefined ? options.duration : tone === 'danger' ? null : DEFAULT_DURATION,
    };
    setToasts((current) => [...current, item].slice(-MAX_VISIBLE));
    window.setTimeout(() => {
      if (gone.current.has(id)) return;
      setAnnounced((current) => [...current, item].slice(-MAX_VISIBLE));
    }, ANNOUNCE_DELAY);
    return id;
  }, []);

  const api = useMemo(() => ({ toast, dismiss }), [toast, dismiss]);

  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="sr-only" data-print="hide">
        <div role="status" aria-live="polite">
          {announced
            .filter((t) => t.tone !== 'danger')
            .map((t) => (
              <p key={t.id}>{announcement(t)}</p>
            ))}
        </div>
        <div role="alert" aria-live="assertive">
          {announced
            .filter((t) => t.tone === 'danger')
            .map((t) => (
              <p key={t.id}>{announcement(t)}</p>
            ))}
        </div>
      </div>
      {toasts.length > 0 ? (
        <section
          aria-label="Notifications"
          data-print="hide"
          className="fixed right-4 bottom-4 z-50 flex w-[min(24rem,calc(100vw-2rem))] flex-col gap-2"
        >
          {toasts.map((t) => (
            <Toast key={t.id} item={t} onDismiss={dismiss} />
          ))}
        </section>
      ) : null}
    </ToastContext.Provider>
  );
}

function announcement(t: TToastItem): string {
  return t.description ? `${t.title}. ${t.description}` : t.title;
}

const tones: Record<TStatusTone, { stripe: string; icon: string; Icon: typeof InfoIcon }> = {
  info: { stripe: 'border-l-info', icon: 'text-info', Icon: InfoIcon },
  success: { stripe: 'border-l-success', icon: 'text-success', Icon: CheckCircleIcon },
  warning: { stripe: 'border-l-warning', icon: 'text-warning', Icon: WarningIcon },
  danger: { stripe: 'border-l-danger', icon: 'text-danger', Icon: ErrorIcon },
};

function Toast({ item, onDismiss }: { item: TToastItem; onDismiss: (id: number) => void }) {
  const [hovered, setHovered] = useState(false);
  const [focused, setFocused] = useState(false);
  const paused = hovered || focused;
  // Time left survives pauses: hovering for 10 s must not make the toast vanish on mouse-out.
  const remaining = useRef(item.duration);

  useEffect(() => {
    if (paused || remaining.current === null) return;
    const startedAt = Date.now();
    const timer = window.setTimeout(() => onDismiss(item.id), remaining.current);
    return () => {
      window.clearTimeout(timer);
      if (remaining.current !== null) remaining.current = Math.max(0, remaining.current - (Date.now() - startedAt));
    };
  }, [paused, item.id, onDismiss]);

  const { stripe, icon, Icon } = tones[item.tone];
  return (
    <div
      onMouseEnter={() => setHovered(true)}
      onMouseLeave={() => setHovered(false)}
      onFocus={() => setFocused(true)}
      onBlur={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget)) setFocused(false);
      }}
      className={cn(
        'flex animate-toast-in items-start gap-3 rounded-card border border-l-4 border-line bg-surface px-4 py-3 text-sm shadow-lg',
        stripe,
      )}
    >
      <Icon size={18} className={cn('mt-px shrink-0', icon)} />
      <div className="min-w-0 flex-1">
        <p className="font-semibold text-ink">{item.title}</p>
        {item.description ? <p className="mt-0.5 break-words text-ink-muted">{item.description}</p> : null}
      </div>
      <button
        type="button"
        aria-label={`Dismiss notification: ${item.title}`}
        onClick={() => onDismiss(item.id)}
        className="-mt-0.5 -mr-1.5 rounded-control p-1 text-ink-muted hover:bg-surface-muted hover:text-ink"
      >
        <CloseIcon size={16} />
      </button>
    </div>
  );
}
