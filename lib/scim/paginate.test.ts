import { describe, expect, it } from 'vitest';
import { ScimError } from './errors';
import { paginate, type TFetchedPage, type TScimPage } from './paginate';

type R = { id: string };
const ids = (n: number, from = 0): R[] => Array.from({ length: n }, (_, i) => ({ id: `r${from + i}` }));

async function collect<T>(it: AsyncIterable<TScimPage<T>>): Promise<TScimPage<T>[]> {
  const pages: TScimPage<T>[] = [];
  for await (const p of it) pages.push(p);
  return pages;
}

/** A pure in-memory list endpoint following RFC 7644 §3.4.2.4, with knobs for misbehaviour. */
function endpoint(all: R[], opts: { maxPerPage?: number; ignoreStartIndex?: boolean; total?: number | null } = {}) {
  const calls: Array<{ startIndex: number; count: number }> = [];
  const fetchPage = async (startIndex: number, count: number): Promise<TFetchedPage<R>> => {
    calls.push({ startIndex, count });
    const from = opts.ignoreStartIndex ? 0 : startIndex - 1;
    const n = Math.min(count, opts.maxPerPage ?? count);
    return { totalResults: opts.total === undefined ? all.length : opts.total, resources: all.slice(from, from + n) };
  };
  return { fetchPage, calls };
}

describe('paginate', () => {
  it('walks 1-based pages and stops at totalResults without an extra request', async () => {
    const ep = endpoint(ids(250));
    const pages = await collect(paginate({ fetchPage: ep.fetchPage, pageSize: 100, path: '/Users' }));
    expect(pages.map((p) => p.startIndex)).toEqual([1, 101, 201]);
    expect(pages.flatMap((p) => p.resources)).toEqual(ids(250));
    expect(pages[0]!.totalResults).toBe(250);
    expect(ep.calls).toHaveLength(3);
  });

  it('advances by what was received when the server returns fewer than count', async () => {
    const ep = endpoint(ids(95), { maxPerPage: 40 });
    const pages = await collect(paginate({ fetchPage: ep.fetchPage, pageSize: 100, path: '/Users' }));
    expect(ep.calls.map((c) => c.startIndex)).toEqual([1, 41, 81]);
    expect(pages.flatMap((p) => p.resources.map((r) => r.id))).toEqual(ids(95).map((r) => r.id));
  });

  it('stops at an empty page when totalResults is missing', async () => {
    const ep = endpoint(ids(30), { total: null });
    const pages = await collect(paginate({ fetchPage: ep.fetchPage, pageSize: 20, path: '/Users' }));
    expect(pages.flatMap((p) => p.resources)).toHaveLength(30);
    expect(ep.calls.map((c) => c.startIndex)).toEqual([1, 21, 31]);
  });

  it('stops at an empty page even when totalResults claims more', async () => {
    const ep = endpoint(ids(10), { total: 500 });
    const pages = await collect(paginate({ fetchPage: ep.fetchPage, pageSize: 10, path: '/Users' }));
    expect(pages).toHaveLength(1);
    expect(ep.calls).toHaveLength(2);
  });

  it('handles totalResults 0 with no resources', async () => {
    const pages = await collect(paginate({ fetchPage: async () => ({ totalResults: 0, resources: [] }), pageSize: 100, path: '/Groups' }));
    expect(pages).toEqual([]);
  });

  it('dedupes ids repeated across and within pages', async () => {
    const pagesData: R[][] = [[{ id: 'a' }, { id: 'b' }, { id: 'b' }], [{ id: 'b' }, { id: 'c' }, { id: 'd' }]];
    let call = 0;
    const pages = await collect(
      paginate({ fetchPage: async () => ({ totalResults: 6, resources: pagesData[call++] ?? [] }), pageSize: 3, path: '/Users' }),
    );
    expect(pages.flatMap((p) => p.resources.map((r) => r.id))).toEqual(['a', 'b', 'c', 'd']);
    expect(pages.map((p) => p.received)).toEqual([3, 3]);
  });

  it('fails with a protocol error, not a loop, when the server ignores startIndex', async () => {
    const ep = endpoint(ids(250), { ignoreStartIndex: true });
    const seen: ScimError[] = [];
    const it = paginate({ fetchPage: ep.fetchPage, pageSize: 100, path: '/Users', onProtocolError: (e) => seen.push(e) });
    const err = await collect(it).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScimError);
    expect((err as ScimError).kind).toBe('protocol');
    expect((err as ScimError).message).toMatch(/ignored startIndex/);
    expect(ep.calls).toHaveLength(2);
    expect(seen).toHaveLength(1);
  });
});
