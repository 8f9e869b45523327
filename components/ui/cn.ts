export type TClassValue = string | false | null | undefined | 0;

/**
 * Joins class names, skipping falsy values. No tailwind-merge: a conflicting utility passed in
 * `className` is not guaranteed to win, so override with Tailwind's important suffix (`px-6!`).
 */
export function cn(...classes: TClassValue[]): string {
  return classes.filter(Boolean).join(' ');
}
