import type { ComponentProps } from 'react';

export type TIconProps = ComponentProps<'svg'> & { size?: number };

// Icons are decorative by default: the text next to them carries the meaning.
function Svg({ size = 16, children, ...props }: TIconProps) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 20 20"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.75}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      {...props}
    >
      {children}
    </svg>
  );
}

export function ChevronDownIcon(props: TIconProps) {
  return (
    <Svg {...props}>
      <path d="m5 7.5 5 5 5-5" />
    </Svg>
  );
}

export function ChevronUpIcon(props: TIconProps) {
  return (
    <Svg {...props}>
      <path d="m5 12.5 5-5 5 5" />
    </Svg>
  );
}

export function ChevronLeftIcon(props: TIconProps) {
  return (
    <Svg {...props}>
      <path d="m12.5 5-5 5 5 5" />
    </Svg>
  );
}

export function ChevronRightIcon(props: TIconProps) {
  return (
    <Svg {...props}>
      <path d="m7.5 5 5 5-5 5" />
    </Svg>
  );
}

/** Shown on sortable, currently unsorted columns. */
export function ChevronUpDownIcon(props: TIconProps) {
  return (
    <Svg {...props}>
      <path d="m6.5 8 3.5-3.5L13.5 8M6.5 12l3.5 3.5 3.5-3.5" />
    </Svg>
  );
}

export function CloseIcon(props: TIconProps) {
  return (
    <Svg {...props}>
      <path d="M5 5l10 10M15 5 5 15" />
    </Svg>
  );
}

export function CheckIcon(props: TIconProps) {
  return (
    <Svg {...props}>
      <path d="m4.5 10.5 3.5 3.5 7.5-8" />
    </Svg>
  );
}

export function InfoIcon(props: TIconProps) {
  return (
    <Svg {...props}>
      <circle cx="10" cy="10" r="7.25" />
      <path d="M10 9v4.5" />
      <circle cx="10" cy="6.5" r="0.6" fill="currentColor" stroke="none" />
    </Svg>
  );
}

export function CheckCircleIcon(props: TIconProps) {
  return (
    <Svg {...props}>
      <circle cx="10" cy="10" r="7.25" />
      <path d="m7 10.25 2 2 4-4.25" />
    </Svg>
  );
}

export function WarningIcon(props: TIconProps) {
  return (
    <Svg {...props}>
      <path d="M8.7 3.6a1.5 1.5 0 0 1 2.6 0l5.6 10a1.5 1.5 0 0 1-1.3 2.2H4.4a1.5 1.5 0 0 1-1.3-2.2z" />
      <path d="M10 8v3.5" />
      <circle cx="10" cy="13.75" r="0.6" fill="currentColor" stroke="none" />
    </Svg>
  );
}

export function ErrorIcon(props: TIconProps) {
  return (
    <Svg {...props}>
      <circle cx="10" cy="10" r="7.25" />
      <path d="M10 6.5V11" />
      <circle cx="10" cy="13.5" r="0.6" fill="currentColor" stroke="none" />
    </Svg>
  );
}

export function InboxIcon(props: TIconProps) {
  return (
    <Svg {...props}>
      <path d="M3 11.5 5 4.5h10l2 7v4H3z" />
      <path d="M3 11.5h4l1 2h4l1-2h4" />
    </Svg>
  );
}
