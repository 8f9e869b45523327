/** Dates and numbers as people read them, in UTC so every viewer (and the evidence) agrees. */
const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
const date = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });
const integer = new Intl.NumberFormat('en-US');

export function formatDateTime(iso: string): string {
  return `${dateTime.format(new Date(iso))} UTC`;
}

export function formatDate(iso: string): string {
  return date.format(new Date(iso));
}

export function formatCount(n: number): string {
  return integer.format(n);
}
