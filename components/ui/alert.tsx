import type { ComponentProps, ReactNode } from 'react';
import { cn } from './cn';
import { CheckCircleIcon, ErrorIcon, InfoIcon, WarningIcon } from './icons';
import type { TStatusTone } from './tones';

export type TAlertProps = Omit<ComponentProps<'div'>, 'title' | 'role'> & {
  tone?: TStatusTone;
  title?: ReactNode;
  /** Buttons or links shown under the body. */
  actions?: ReactNode;
  /**
   * Defaults to "alert" for danger (interrupts: something failed) and "status" otherwise
   * (announced politely). Use "none" for permanent page notices that should not be announced.
   * A live role only announces when the Alert is inserted after page load, which is how a
   * form error appears.
   */
  role?: 'alert' | 'status' | 'none';
};

const tones: Record<TStatusTone, { box: string; icon: string; Icon: typeof InfoIcon }> = {
  info: { box: 'border-info-line bg-info-soft text-info-ink', icon: 'text-info', Icon: InfoIcon },
  success: { box: 'border-success-line bg-success-soft text-success-ink', icon: 'text-success', Icon: CheckCircleIcon },
  warning: { box: 'border-warning-line bg-warning-soft text-warning-ink', icon: 'text-warning', Icon: WarningIcon },
  danger: { box: 'border-danger-line bg-danger-soft text-danger-ink', icon: 'text-danger', Icon: ErrorIcon },
};

export function Alert({ tone = 'info', title, actions, role, className, children, ...props }: TAlertProps) {
  const { box, icon, Icon } = tones[tone];
  const liveRole = role ?? (tone === 'danger' ? 'alert' : 'status');
  return (
    <div
      role={liveRole === 'none' ? undefined : liveRole}
      className={cn('flex gap-3 rounded-card border px-4 py-3 text-sm', box, className)}
      {...props}
    >
      <Icon size={18} className={cn('mt-px shrink-0', icon)} />
      <div className="min-w-0 flex-1 space-y-1 [&_a]:underline [&_a]:underline-offset-2">
        {title !== undefined ? <p className="font-semibold">{title}</p> : null}
        {children !== undefined ? <div>{children}</div> : null}
        {actions !== undefined ? <div className="flex flex-wrap gap-2 pt-2">{actions}</div> : null}
      </div>
    </div>
  );
}
