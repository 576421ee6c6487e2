import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFetchPolicyFetcher } from '../../../src/worker/mta-sts-fetch.js';
import { fakeResolver } from '../audit/fake-resolver.js';

describe('the Workers MTA-STS fetcher', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('screens every address the resolver gives and refuses non-public ones before fetching', async () => {
    const fetch = vi.fn(async () => new Response('version: STSv1\n', { status: 200, headers: { 'content-type': 'text/plain' } }));
    vi.stubGlobal('fetch', fetch);
    const zone = {
      'A mta-sts.loop.example': ['127.0.0.1'],
      'A mta-sts.meta.example': ['169.254.169.254'],
      'AAAA mta-sts.v6.example': ['::1'],
      'AAAA mta-sts.mapped.example': ['::ffff:10.0.0.1'],
      // One public and one private address: the platform may pick either, so the fetch is refused.
      'A mta-sts.mixed.example': ['8.8.8.8', '10.1.2.3'],
      'A mta-sts.public.example': ['8.8.8.8'],
    };
    const fetcher = createFetchPolicyFetcher({ resolver: fakeResolver(zone), timeoutMs: 1000 });
    for (const host of ['mta-sts.loop.example', 'mta-sts.meta.example', 'mta-sts.v6.example', 'mta-sts.mapped.example', 'mta-sts.mixed.example']) {
      await expect(fetcher(host), host).rejects.toMatchObject({ kind: 'refused_address' });
    }
    expect(fetch).not.toHaveBeenCalled();
    await expect(fetcher('mta-sts.public.example')).resolves.toMatchObject({ status: 200 });
    expect(fetch).toHaveBeenCalledTimes(1);
    const allowed = createFetchPolicyFetcher({ resolver: fakeResolver(zone), timeoutMs: 1000, allowPrivateAddresses: true });
    await expect(allowed('mta-sts.loop.example')).resolves.toMatchObject({ status: 200 });
    const failing = createFetchPolicyFetcher({ resolver: fakeResolver({ 'A mta-sts.slow.example': 'timeout' }), timeoutMs: 1000 });
    await expect(failing('mta-sts.slow.example')).rejects.toMatchObject({ kind: 'dns' });
  });
});
