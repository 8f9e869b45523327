// Barrel for convenience. Client modules (button-client, checkbox, dialog, toast) stay client
// references when imported from here, so server components can use this barrel too.
export * from './alert';
export * from './badge';
export * from './button';
export * from './card';
export * from './cn';
export * from './dialog';
export * from './empty-state';
export * from './icons';
export * from './input';
export * from './kbd';
export * from './page-header';
export * from './pagination';
export * from './progress';
export * from './spinner';
export * from './table';
export * from './tabs';
export * from './toast';
export * from './tones';
