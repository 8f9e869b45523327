import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { collectText, csvStream, neutraliseCell } from './csv';

describe('neutraliseCell (OWASP CSV injection)', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://x","y")'])('prefixes %j with a quote', (value) => {
    expect(neutraliseCell(value)).toBe(`'${value}`);
  });

  it('leaves other text, empties, numbers and booleans alone', () => {
    expect(neutraliseCell('Engineer')).toBe('Engineer');
    expect(neutraliseCell(' =1')).toBe(' =1');
    expect(neutraliseCell('a=b')).toBe('a=b');
    expect(neutraliseCell('')).toBe('');
    expect(neutraliseCell(null)).toBe('');
    expect(neutraliseCell(undefined)).toBe('');
    expect(neutraliseCell(-3)).toBe('-3');
    expect(neutraliseCell(true)).toBe('true');
  });
});

describe('csvStream', () => {
  const rows: Array<Array<string | number | null>> = [
    ['plain', 1, null],
    ['comma, inside', 'quote "here"', 'line\nbreak'],
    ['=danger', '-5', 'Zoë Ünïcode'],
  ];

  it('writes RFC 4180 CSV that parses back to the neutralised cells, header first', async () => {
    const seen: number[] = [];
    const text = await collectText(csvStream(['a', 'b', '@c'], rows, { onRow: () => void seen.push(1), rowsPerChunk: 2 }));
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parse(text)).toEqual([
      ['a', 'b', "'@c"],
      ['plain', '1', ''],
      ['comma, inside', 'quote "here"', 'line\nbreak'],
      ["'=danger", "'-5", 'Zoë Ünïcode'],
    ]);
    expect(seen).toHaveLength(3);
  });

  it('reads async row sources and yields one chunk per batch', async () => {
    async function* source() {
      for (let i = 0; i < 5; i++) yield [`r${i}`];
    }
    const chunks: string[] = [];
    for await (const chunk of csvStream(['h'], source(), { rowsPerChunk: 2 })) chunks.push(chunk);
    expect(chunks).toEqual(['h\r\n', 'r0\r\nr1\r\n', 'r2\r\nr3\r\n', 'r4\r\n']);
  });
});
