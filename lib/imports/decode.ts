/**
 * Bytes of an uploaded CSV → text, or a problem a person can act on. Pure (no database).
 *
 * Accepted: UTF-8 with or without a byte-order mark, and UTF-16 LE / BE *with* a byte-order mark
 * (what Excel writes for "Unicode Text"): those are decoded, because the mark makes the encoding
 * certain. Refused, each with the line and column of the first bad byte: invalid UTF-8 (usually a
 * Windows-1252 / Latin-1 export), UTF-16 without a mark, NUL bytes, Excel workbooks, empty files.
 * Guessing a legacy code page was rejected: a wrong guess silently corrupts names, and the fix on
 * the sender's side ("Save as CSV UTF-8") is one click.
 */

export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

export type TTextEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be';

export const ENCODING_LABEL: Record<TTextEncoding, string> = {
  'utf-8': 'UTF-8',
  'utf-8-bom': 'UTF-8 with byte-order mark',
  'utf-16le': 'UTF-16 LE (byte-order mark)',
  'utf-16be': 'UTF-16 BE (byte-order mark)',
};

/** A problem in the file, located for a human: line 1 is the header, columns are spreadsheet letters. */
export type TImportProblem = {
  line: number;
  /** Spreadsheet-style letter (A, B, … AA) or null when the problem is not in one column. */
  column: string | null;
  /** The header of that column as written in the file, when known. */
  header: string | null;
  message: string;
};

export type TDecoded = { ok: true; text: string; encoding: TTextEncoding } | { ok: false; problem: TImportProblem };

/** A, B, … Z, AA, AB… for a 0-based column index. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

/** "1.4 MB", "820 KB", "512 bytes" (decimal-free above 10, as people read file sizes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const kb = bytes / 1024;
  if (kb < 1024) return `${kb < 10 ? kb.toFixed(1) : Math.round(kb)} KB`;
  const mb = kb / 1024;
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`;
}

/** "The file is 61 MB (63,963,136 bytes); …": exact bytes, since a file just over the limit rounds to it. */
export function tooLargeMessage(byteCount: number): string {
  const exact = (n: number) => n.toLocaleString('en-US');
  return `The file is ${formatBytes(byteCount)} (${exact(byteCount)} bytes); imports are limited to ${formatBytes(MAX_IMPORT_BYTES)} (${exact(MAX_IMPORT_BYTES)} bytes). Split it or remove unused columns.`;
}

const fileProblem = (message: string, line = 1, column: string | null = null, header: string | null = null): TDecoded => ({
  ok: false,
  problem: { line, column, header, message },
});

/**
 * Offset of the first byte that is not valid UTF-8 (RFC 3629 §4: no overlongs, no surrogates,
 * nothing above U+10FFFF), or -1. Only called after the fast `TextDecoder` check failed.
 */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = b === 0xe0 ? 0xa0 : 0x80;
      if (b === 0xed) max = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = b === 0xf0 ? 0x90 : 0x80;
      if (b === 0xf4) max = 0x8f;
    } else {
      return i;
    }
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      const lo = k === 1 ? min : 0x80;
      const hi = k === 1 ? max : 0xbf;
      if (c < lo || c > hi) return i;
    }
    i += need + 1;
  }
  return -1;
}

const lossy = new TextDecoder('utf-8');

/** The delimiter a header line uses: the most frequent of comma, semicolon and tab outside quotes (comma on a tie). */
export function detectDelimiter(headerLine: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
  return ',';
}

/** The fields of one line split naively (quotes respected within the line): enough to name a column in an error. */
function splitLine(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === delimiter) {
      out.push(field.trim());
      field = '';
    } else field += ch;
  }
  out.push(field.trim());
  return out;
}

/** Line (1-based) and column of a byte offset, for an error message about that byte. */
function locateByte(bytes: Uint8Array, offset: number): { line: number; column: string | null; header: string | null } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  const headerEnd = bytes.indexOf(0x0a);
  const headerLine = lossy.decode(bytes.subarray(0, headerEnd < 0 ? bytes.length : headerEnd)).replace(/^\uFEFF/, '').replace(/\r$/, '');
  const delimiter = detectDelimiter(headerLine);
  const prefix = lossy.decode(bytes.subarray(lineStart, offset));
  const index = splitLine(prefix, delimiter).length - 1;
  const header = splitLine(headerLine, delimiter)[index];
  return { line, column: columnLetter(index), header: header || null };
}

/** Decode an uploaded file (see the module comment for what is accepted). */
export function decodeCsvBytes(bytes: Uint8Array): TDecoded {
  if (bytes.length > MAX_IMPORT_BYTES) {
    return fileProblem(tooLargeMessage(bytes.length));
  }
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    return fileProblem('This is an Excel workbook (.xlsx) or another zip file, not CSV. In Excel choose File → Save As → "CSV UTF-8 (Comma delimited)".');
  }
  if (bytes.length >= 4 && bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) {
    return fileProblem('This is an old Excel workbook (.xls), not CSV. In Excel choose File → Save As → "CSV UTF-8 (Comma delimited)".');
  }

  let text: string;
  let encoding: TTextEncoding;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) encoding = 'utf-16le';
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) encoding = 'utf-16be';
  else if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) encoding = 'utf-8-bom';
  else encoding = 'utf-8';

  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    if (bytes.length % 2 !== 0) return fileProblem(`The file starts with a UTF-16 byte-order mark but has an odd number of bytes (${bytes.length}): it is truncated or not UTF-16.`);
    try {
      // The decoder drops the byte-order mark itself.
      text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
    } catch {
      return fileProblem(`The file starts with a ${encoding === 'utf-16le' ? 'UTF-16 LE' : 'UTF-16 BE'} byte-order mark but is not valid UTF-16. Save it as "CSV UTF-8" and upload it again.`);
    }
    // U+0000 is refused in UTF-16 as the NUL byte is in UTF-8 below; located on the UTF-8 form of the text.
    if (text.includes('\0')) {
      const utf8 = new TextEncoder().encode(text);
      const where = locateByte(utf8, utf8.indexOf(0));
      return fileProblem(`Line ${where.line}, column ${where.column}: the file contains a NUL character, so it is not a text CSV file.`, where.line, where.column, where.header);
    }
  } else {
    const nul = bytes.indexOf(0);
    if (nul >= 0) {
      const where = locateByte(bytes, nul);
      // UTF-16 text without a mark has a NUL in every other byte of ASCII content.
      const sample = bytes.subarray(0, Math.min(bytes.length, 2000));
      let zeros = 0;
      for (const b of sample) if (b === 0) zeros++;
      const looksUtf16 = zeros > sample.length / 4;
      return fileProblem(
        looksUtf16
          ? 'The file looks like UTF-16 without a byte-order mark, which cannot be read reliably. Save it as "CSV UTF-8" and upload it again.'
          : `Line ${where.line}${where.column ? `, column ${where.column}` : ''}: the file contains a NUL byte, so it is not a text CSV file.`,
        where.line,
        where.column,
        where.header,
      );
    }
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch {
      const offset = Math.max(0, firstInvalidUtf8Offset(bytes));
      const where = locateByte(bytes, offset);
      const hex = `0x${(bytes[offset] ?? 0).toString(16).toUpperCase().padStart(2, '0')}`;
      return fileProblem(
        `Line ${where.line}, column ${where.column}${where.header ? ` ("${where.header}")` : ''}: byte ${hex} is not valid UTF-8. ` +
          'The file was probably saved as Windows-1252 / Latin-1 (common for names with accents). Save it as "CSV UTF-8" and upload it again.',
        where.line,
        where.column,
        where.header,
      );
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') return fileProblem('The file is empty: line 1 should be a header row such as "email,status,termination date".');
  return { ok: true, text, encoding };
}
