import { describe, expect, it } from 'vitest';
import { esc, headerRow, HtmlChunker, td } from './html';

describe('esc', () => {
  it('escapes the five characters that can change HTML structure', () => {
    expect(esc(`<img src=x onerror="alert('1')">&`)).toBe('&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;');
  });

  it('writes null and undefined as nothing, numbers and booleans as text', () => {
    expect(esc(null)).toBe('');
    expect(esc(undefined)).toBe('');
    expect(esc(0)).toBe('0');
    expect(esc(false)).toBe('false');
  });

  it('escapes cells and header labels', () => {
    expect(td('<b>', 'num')).toBe('<td class="num">&lt;b&gt;</td>');
    expect(headerRow(['A&B'])).toBe('<tr><th scope="col">A&amp;B</th></tr>');
  });
});

describe('HtmlChunker', () => {
  it('hands out ~64 KB pieces whose concatenation is everything added, in order', () => {
    const chunker = new HtmlChunker();
    const out: string[] = [];
    const piece = 'x'.repeat(1000);
    for (let i = 0; i < 200; i++) {
      const chunk = chunker.add(`${i}:${piece}`);
      if (chunk) out.push(chunk);
    }
    out.push(chunker.take());
    expect(out.length).toBeGreaterThan(2);
    expect(out.slice(0, -1).every((c) => c.length >= 65_536 && c.length < 65_536 + 1010)).toBe(true);
    expect(out.join('')).toBe(Array.from({ length: 200 }, (_, i) => `${i}:${piece}`).join(''));
    expect(chunker.take()).toBe('');
  });
});
