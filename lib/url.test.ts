import { describe, expect, it } from 'vitest';
import { hrefWith, nextSort } from './url';

describe('hrefWith', () => {
  it('keeps filters, applies changes and resets the page when a filter changes', () => {
    expect(hrefWith('/s/1', { q: 'ada', page: '3', tab: 'users' }, { department: 'Sales' })).toBe('/s/1?q=ada&tab=users&department=Sales');
  });
  it('sets the page, drops page 1 and empty values', () => {
    expect(hrefWith('/s/1', { q: 'ada' }, { page: 4 })).toBe('/s/1?q=ada&page=4');
    expect(hrefWith('/s/1', { q: 'ada', page: '4' }, { page: 1 })).toBe('/s/1?q=ada');
    expect(hrefWith('/s/1', { q: 'ada' }, { q: '' })).toBe('/s/1');
  });
  it('encodes values', () => {
    expect(hrefWith('/x', {}, { q: 'a&b=c' })).toBe('/x?q=a%26b%3Dc');
  });
});

describe('nextSort', () => {
  it('flips the direction on the same column and starts ascending on a new one', () => {
    expect(nextSort('name', 'asc', 'name')).toEqual({ sort: 'name', dir: 'desc' });
    expect(nextSort('name', 'desc', 'name')).toEqual({ sort: 'name', dir: 'asc' });
    expect(nextSort('name', 'desc', 'email')).toEqual({ sort: 'email', dir: 'asc' });
  });
});

describe('query parameter parsing', () => {
  it('treats an empty field as no filter and bounds the length', async () => {
    const { queryText, queryPage } = await import('./url');
    expect(queryText(10).parse('')).toBeUndefined();
    expect(queryText(10).parse('  Sales ')).toBe('Sales');
    expect(queryText(3).parse('too long')).toBeUndefined();
    expect(queryPage.parse('7')).toBe(7);
    expect(queryPage.parse('-1')).toBe(1);
    expect(queryPage.parse('abc')).toBe(1);
  });
});
