import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataSourceError, IdxFormatError, idxClassificationFromUrl, type FetchLike } from '../src/index.js';
import { rejected, writeIdx } from './helpers/idx-writer.js';

const images = Uint8Array.from({ length: 4 * 2 * 2 }, (_, i) => i * 10);
const labels = Uint8Array.of(1, 0, 1, 1);

/** A fetch double serving files from a map, recording every URL asked for. */
function server(files: Record<string, Uint8Array | string>): { fetch: FetchLike; requested: string[] } {
  const requested: string[] = [];
  const fetch: FetchLike = (url) => {
    requested.push(url);
    const body = files[url];
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    return Promise.resolve({
      ok: bytes !== undefined,
      status: bytes === undefined ? 404 : 200,
      statusText: bytes === undefined ? 'Not Found' : 'OK',
      arrayBuffer: () => Promise.resolve((bytes ?? new Uint8Array()).slice().buffer),
    });
  };
  return { fetch, requested };
}

const base = 'https://data.test/mnist';
const files = {
  [`${base}/train-images-idx3-ubyte.gz`]: new Uint8Array(gzipSync(writeIdx('uint8', [4, 2, 2], images))),
  [`${base}/train-labels-idx1-ubyte.gz`]: new Uint8Array(gzipSync(writeIdx('uint8', [4], labels))),
  [`${base}/t10k-images-idx3-ubyte`]: writeIdx('uint8', [4, 2, 2], images),
  [`${base}/t10k-labels.idx1-ubyte`]: writeIdx('uint8', [4], labels),
};

describe('idxClassificationFromUrl', () => {
  it('fetches gzipped and plain files, trying .gz first', async () => {
    const { fetch, requested } = server(files);
    const set = await idxClassificationFromUrl(`${base}/`, fetch);
    expect(set.classes).toBe(2);
    for (const split of [set.train, set.test]) {
      expect({ count: split.count, rows: split.rows, cols: split.cols }).toEqual({ count: 4, rows: 2, cols: 2 });
      expect(split.images).toEqual(images);
      expect(split.labels).toEqual(labels);
    }
    expect(requested).toContain(`${base}/t10k-images-idx3-ubyte.gz`);
    expect(requested.indexOf(`${base}/t10k-images-idx3-ubyte.gz`)).toBeLessThan(requested.indexOf(`${base}/t10k-images-idx3-ubyte`));
  });

  it('lists every URL tried when a file cannot be fetched', async () => {
    const { fetch } = server(files);
    const error = await rejected(idxClassificationFromUrl('https://data.test/empty', fetch, { split: 'train' }));
    expect(error).toBeInstanceOf(DataSourceError);
    expect(error.message).toContain('could not fetch the train images; tried:\n  https://data.test/empty/train-images-idx3-ubyte.gz (404 Not Found)\n');
    expect(error.message).toContain('https://data.test/empty/train-images.idx3-ubyte (404 Not Found)');
  });

  it('reports network failures per URL', async () => {
    const failing: FetchLike = () => Promise.reject(new Error('connection refused'));
    const error = await rejected(idxClassificationFromUrl(base, failing, { split: 'test' }));
    expect(error.message).toMatch(/could not fetch the test (images|labels); tried:\n {2}https:\/\/data\.test\/mnist\/t10k-\w+-idx\d-ubyte\.gz \(connection refused\)/);
  });

  it('names the URL when a server answers with a web page', async () => {
    const { fetch } = server({ ...files, [`${base}/train-labels-idx1-ubyte.gz`]: '<html>Not found</html>' });
    const error = await rejected(idxClassificationFromUrl(base, fetch, { split: 'train' }));
    expect(error).toBeInstanceOf(IdxFormatError);
    expect(error.message).toMatch(/^https:\/\/data\.test\/mnist\/train-labels-idx1-ubyte\.gz: bad magic number .*looks like text/);
  });
});
