import { describeValue, stringArgument } from '../arguments.js';
import { DataSourceError } from '../errors.js';
import { assembleClassification, type ClassificationOptions, type ClassificationSet } from './classification.js';
import { decodeIdx } from './decode.js';
import { idxFileNames, type SplitName, type SplitPart } from './file-names.js';

/** The part of `fetch` the loader uses; pass your own to add headers, caching or a test double. */
export type FetchLike = (url: string) => Promise<{
  readonly ok: boolean;
  readonly status: number;
  readonly statusText?: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}>;

/**
 * Loads an IDX classification set (MNIST, Fashion-MNIST, ...) over HTTP: `baseUrl` is the folder
 * holding `train-images-idx3-ubyte[.gz]` and friends. Gzipped files are decompressed with
 * DecompressionStream, so this works in browsers. For each file the `.gz` name is tried first.
 */
export async function idxClassificationFromUrl<S extends SplitName = SplitName>(
  baseUrl: string,
  fetchFn?: FetchLike,
  options: ClassificationOptions<S> = {},
): Promise<ClassificationSet<S>> {
  stringArgument('idxClassificationFromUrl(baseUrl)', baseUrl, 'a URL string (the folder holding the IDX files)');
  if (fetchFn !== undefined && typeof fetchFn !== 'function') {
    throw new TypeError(`idxClassificationFromUrl(baseUrl, fetchFn) must be a fetch-like function (or left out), got ${describeValue(fetchFn)}`);
  }
  const get = fetchFn ?? defaultFetch();
  const base = baseUrl.replace(/\/+$/, '');
  return assembleClassification(options, async (split, part) => {
    const { url, bytes } = await fetchFirst(get, base, split, part);
    return { name: url, idx: await decodeIdx(bytes, url) };
  });
}

async function fetchFirst(get: FetchLike, base: string, split: SplitName, part: SplitPart): Promise<{ url: string; bytes: Uint8Array }> {
  const tried: string[] = [];
  for (const name of idxFileNames(split, part, true)) {
    const url = base === '' ? name : `${base}/${name}`;
    try {
      const response = await get(url);
      if (response.ok) return { url, bytes: new Uint8Array(await response.arrayBuffer()) };
      tried.push(`${url} (${response.status}${response.statusText ? ` ${response.statusText}` : ''})`);
    } catch (error) {
      tried.push(`${url} (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  throw new DataSourceError('fetch-failed', `could not fetch the ${split} ${part}; tried:\n  ${tried.join('\n  ')}`);
}

function defaultFetch(): FetchLike {
  if (typeof globalThis.fetch !== 'function') {
    throw new DataSourceError('fetch-failed', 'there is no global fetch here; pass one as idxClassificationFromUrl(baseUrl, fetchFn)');
  }
  return (url) => globalThis.fetch(url);
}
