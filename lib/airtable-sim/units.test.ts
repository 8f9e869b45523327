import { describe, expect, it } from 'vitest';
import { createFaultEngine } from './faults';
import { parseEqFilter } from './filters';
import { isIdOf, newId } from './ids';
import { createPrng } from './prng';
import { createRateLimiter } from './rate-limit';
import { createRequestLog } from './request-log';

describe('parseEqFilter', () => {
  it('parses attr eq "value" with JSON escapes and any case of eq', () => {
    expect(parseEqFilter('userName eq "a@b.example"')).toEqual({ attribute: 'userName', value: 'a@b.example' });
    expect(parseEqFilter('  displayName EQ "Say \\"hi\\""  ')).toEqual({ attribute: 'displayName', value: 'Say "hi"' });
    expect(parseEqFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"')?.attribute).toBe(
      'urn:ietf:params:scim:schemas:core:2.0:User:userName',
    );
  });
  it('rejects everything else', () => {
    for (const f of ['userName co "a"', 'userName eq a', 'userName eq "a" or userName eq "b"', 'userName eq "unterminated', '']) {
      expect(parseEqFilter(f), f).toBeNull();
    }
  });
});

describe('createRateLimiter', () => {
  it('refills continuously up to capacity', () => {
    const rl = createRateLimiter(10);
    let granted = 0;
    for (let i = 0; i < 20; i++) if (rl.take('t', 0)) granted++;
    expect(granted).toBe(10);
    expect(rl.take('t', 50)).toBe(false); // half a token
    expect(rl.take('t', 100)).toBe(true);
    // A long pause refills only to capacity.
    let burst = 0;
    for (let i = 0; i < 20; i++) if (rl.take('t', 100_000)) burst++;
    expect(burst).toBe(10);
  });
});

describe('ids', () => {
  it('are prefix + 14 alphanumerics, reproducible with a PRNG', () => {
    expect(isIdOf('usr', newId('usr'))).toBe(true);
    expect(isIdOf('ugp', newId('ugp'))).toBe(true);
    expect(newId('usr', createPrng(3))).toBe(newId('usr', createPrng(3)));
    expect(isIdOf('usr', 'usr123')).toBe(false);
  });
});

describe('fault engine', () => {
  it('draws the same randoms whatever the config, so one knob does not shift another', () => {
    const a = createFaultEngine(createPrng(1), { rate5xx: 0.5 });
    const b = createFaultEngine(createPrng(1), { rate5xx: 0.5, latencyJitterMs: 10, malformedJsonRate: 0.2 });
    for (let i = 0; i < 50; i++) expect(b.decide('GET', '/Users', '/scim/v2/Users').status5xx).toBe(a.decide('GET', '/Users', '/scim/v2/Users').status5xx);
  });
  it('failNext rules match by method and either path form, and count down', () => {
    const f = createFaultEngine(createPrng(1), { failNext: [{ method: 'patch', pathPrefix: '/scim/v2/Groups', status: 409, times: 2 }] });
    expect(f.decide('GET', '/Groups/x', '/scim/v2/Groups/x').failRule).toBeNull();
    expect(f.decide('PATCH', '/Groups/x', '/scim/v2/Groups/x').failRule?.status).toBe(409);
    expect(f.decide('PATCH', '/Groups/x', '/scim/v2/Groups/x').failRule?.status).toBe(409);
    expect(f.decide('PATCH', '/Groups/x', '/scim/v2/Groups/x').failRule).toBeNull();
  });
});

describe('request log', () => {
  it('is a bounded ring, oldest first', () => {
    const log = createRequestLog(3);
    for (let i = 0; i < 5; i++) log.add({ at: i, method: 'GET', path: `/Users/${i}`, status: 200 });
    expect(log.all().map((r) => r.at)).toEqual([2, 3, 4]);
    expect(log.count({ path: '/Users/4' })).toBe(1);
  });
});
