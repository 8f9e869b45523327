// Auth.js's own endpoints (sign-in callbacks, CSRF, session); they authenticate by design.
export { GET, POST } from '@/lib/auth/handlers';
