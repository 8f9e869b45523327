// No 'use client' here on purpose: server components call buttonClasses() to style a <Link>,
// and a function exported from a client module reaches them as a reference, not a function.
// Button itself is a client component (it intercepts clicks while loading).
export { buttonClasses, type TButtonSize, type TButtonVariant } from './button-classes';
export { Button, type TButtonProps } from './button-client';
