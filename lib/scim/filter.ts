/**
 * SCIM filter expressions (RFC 7644 §3.4.2.2). Only `eq` is built: Airtable supports
 * `userName eq "…"` on Users and `displayName eq "…"` on Groups, nothing else.
 */

// RFC 7644 §3.4.2.2: attribute paths are ATTRNAME ("ALPHA *(nameChar)") optionally ".subAttr"; anything else could inject filter syntax.
const ATTRIBUTE_PATH = /^[A-Za-z][A-Za-z0-9_$-]*(\.[A-Za-z][A-Za-z0-9_$-]*)?$/;

/**
 * `attr eq "value"`, with the value encoded as a JSON string: RFC 7644 §3.4.2.2 defines compValue
 * as a JSON string (RFC 7159 §7), so `"` and `\` are escaped and the value cannot close the quote.
 */
export function eqFilter(attribute: string, value: string): string {
  if (!ATTRIBUTE_PATH.test(attribute)) throw new RangeError(`Not a SCIM attribute path: ${attribute}`);
  return `${attribute} eq ${JSON.stringify(value)}`;
}
