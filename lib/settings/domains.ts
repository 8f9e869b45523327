import { z } from 'zod';

/**
 * Company email domains: pure helpers shared by the settings, the snapshot queries (the SQL twin
 * of `isExternalEmail` lives in lib/snapshot/queries.ts) and later the stale-account rules.
 */

// RFC 1035 §2.3.1 labels (letters, digits, inner hyphens), at least two labels, 253 characters at most.
const DOMAIN_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A domain as typed by an admin: trimmed, lowercased, a leading `@` dropped, validated. */
export const ZDomain = z
  .string()
  .trim()
  .toLowerCase()
  .transform((s) => s.replace(/^@/, '').replace(/\.$/, ''))
  .pipe(z.string().regex(DOMAIN_RE, 'not a domain name (e.g. example.com)'));

/** A list of company domains: deduplicated, sorted, 1..50 of them. */
export const ZCompanyDomains = z
  .array(ZDomain)
  .min(1, 'at least one domain')
  .max(50, 'at most 50 domains')
  .transform((list) => [...new Set(list)].sort());

/** The domain part of an email, lowercased ('' when there is no `@`). */
export function emailDomain(email: string): string {
  // The first '@', as the SQL twin (instr) finds it.
  const at = email.indexOf('@');
  return at < 0 ? '' : email.slice(at + 1).toLowerCase();
}

/**
 * External = the email's domain is neither a company domain nor a subdomain of one. With no
 * company domain known, nobody is external (we cannot tell).
 */
export function isExternalEmail(email: string, companyDomains: readonly string[]): boolean {
  if (companyDomains.length === 0) return false;
  const domain = emailDomain(email);
  return !companyDomains.some((d) => domain === d || domain.endsWith(`.${d}`));
}
