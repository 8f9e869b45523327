/** Status tones shared by Alert, Badge and toasts. */
export type TStatusTone = 'info' | 'success' | 'warning' | 'danger';
