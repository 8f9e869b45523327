import { cn } from './cn';

export type TSpinnerSize = 'sm' | 'md' | 'lg';

export type TSpinnerProps = {
  size?: TSpinnerSize;
  /** When set, the spinner announces itself (role="status"); omit it when nearby text already says what is loading. */
  label?: string;
  className?: string;
};

const sizes: Record<TSpinnerSize, string> = { sm: 'size-3.5', md: 'size-4', lg: 'size-6' };

export function Spinner({ size = 'md', label, className }: TSpinnerProps) {
  const svg = (
    <svg
      viewBox="0 0 24 24"
      fill="none"
      aria-hidden="true"
      focusable="false"
      // Exempt from the global reduced-motion kill switch; slowed down instead (see globals.css).
      data-motion="essential"
      className={cn('shrink-0 animate-spin motion-reduce:[animation-duration:1.6s]', sizes[size], className)}
    >
      <circle cx="12" cy="12" r="9" stroke="currentColor" strokeOpacity="0.25" strokeWidth="3" />
      <path d="M21 12a9 9 0 0 0-9-9" stroke="currentColor" strokeWidth="3" strokeLinecap="round" />
    </svg>
  );
  if (!label) return svg;
  return (
    <span role="status" className="inline-flex items-center">
      {svg}
      <span className="sr-only">{label}</span>
    </span>
  );
}
