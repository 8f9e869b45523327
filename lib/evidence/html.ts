/**
 * Small, pure helpers for the printable report: escaping and a chunking buffer. Every value that
 * comes from the directory, a reviewer or a server response goes through `esc` — a display name
 * or a justification is attacker-controlled text.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML (element content and quoted attribute values); null and undefined become an empty string. */
export function esc(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

/** A table cell; `cls` must be a literal class name, never data. */
export function td(value: string | number | boolean | null | undefined, cls?: string): string {
  return cls ? `<td class="${cls}">${esc(value)}</td>` : `<td>${esc(value)}</td>`;
}

/** A row of header cells. */
export function headerRow(labels: readonly string[]): string {
  return `<tr>${labels.map((l) => `<th scope="col">${esc(l)}</th>`).join('')}</tr>`;
}

const CHUNK_CHARS = 1 << 16;

/**
 * Collects HTML and hands it out in ~64 KB pieces: the report of a 100k-item campaign is written
 * as it is read, never held whole.
 */
export class HtmlChunker {
  private buf = '';

  /** Append text; returns a chunk to yield when the buffer is full, else null. */
  add(text: string): string | null {
    this.buf += text;
    if (this.buf.length < CHUNK_CHARS) return null;
    return this.take();
  }

  /** Whatever is buffered (possibly ''). */
  take(): string {
    const out = this.buf;
    this.buf = '';
    return out;
  }
}
