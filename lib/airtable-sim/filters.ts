/**
 * The one filter form Airtable supports: `<attribute> eq "<value>"` (RFC 7644 §3.4.2.2), on
 * `userName` for /Users and `displayName` for /Groups, and `value` inside a member path
 * (`members[value eq "usr…"]`, §3.5.2). Attribute names and `eq` are case-insensitive (RFC 7643 §2.1,
 * RFC 7644 §3.4.2.2); a value is a JSON string, so `\"` and `\\` escapes are honoured.
 */
const EQ_FILTER = /^\s*([A-Za-z][\w.:-]*)\s+eq\s+("(?:[^"\\]|\\.)*")\s*$/i;

export type EqFilter = { attribute: string; value: string };

/** Parse `attr eq "value"`; null when the text is any other filter (the caller answers invalidFilter). */
export function parseEqFilter(text: string): EqFilter | null {
  const match = EQ_FILTER.exec(text);
  if (!match?.[1] || !match[2]) return null;
  try {
    const value: unknown = JSON.parse(match[2]);
    return typeof value === 'string' ? { attribute: match[1], value } : null;
  } catch {
    return null;
  }
}

/**
 * True when `attribute` names `expected`, bare or fully qualified by the schema URN
 * (`urn:ietf:params:scim:schemas:core:2.0:User:userName`, RFC 7644 §3.10).
 */
export function isAttribute(attribute: string, expected: string, schemaUrn: string): boolean {
  const a = attribute.toLowerCase();
  const e = expected.toLowerCase();
  return a === e || a === `${schemaUrn.toLowerCase()}:${e}`;
}
