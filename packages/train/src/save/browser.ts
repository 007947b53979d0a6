/**
 * Saving models in the browser: to IndexedDB (the files of a directory save, in one record
 * written by one transaction, so a save is all or nothing) and as a downloadable one-file
 * bundle. No Node imports.
 */
import { defaultRegistry, type Registry } from '@keel/registry';
import type { Sequential } from '@keel/layers';
import { checkOptions, type OptionFields } from '@keel/registry';
import { checkExtras, checkModelToSave, checkName, checkRegistry } from './arguments.js';
import { encodeModelBundle } from './bundle.js';
import { ModelFileError } from './errors.js';
import { deserializeModel, serializeModel, type LoadedModel, type SaveExtras } from './model-file.js';

export interface IndexedDBOptions {
  /** The database (default 'keel-models'). */
  readonly databaseName?: string;
  /** The object store in it (default 'models'). */
  readonly storeName?: string;
  /** The IndexedDB factory (default `globalThis.indexedDB`); pass one to use a polyfill. */
  readonly indexedDB?: IDBFactory;
}

const RECORD_FORMAT = 'keel.model-files';

const IDB_OPTIONS: OptionFields = {
  databaseName: { expected: 'a database name, a string', accepts: (v) => typeof v === 'string' && v !== '' },
  storeName: { expected: 'an object store name, a string', accepts: (v) => typeof v === 'string' && v !== '' },
  indexedDB: { expected: 'an IDBFactory (such as globalThis.indexedDB)', accepts: (v) => typeof v === 'object' && v !== null && typeof (v as { open?: unknown }).open === 'function' },
};

/** The key and options every IndexedDB function takes. */
function checkKeyAndOptions(owner: string, key: unknown, options: unknown): void {
  checkName(`${owner}(key)`, key, 'the key the model is saved under');
  checkOptions(owner, options, IDB_OPTIONS);
}

/** What one saved model is in the store. */
interface StoredModel {
  readonly format: typeof RECORD_FORMAT;
  readonly formatVersion: 1;
  readonly savedAt: string;
  readonly files: Record<string, Uint8Array>;
}

function settings(options: IndexedDBOptions): { factory: IDBFactory; databaseName: string; storeName: string } {
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (factory === undefined) throw new Error('IndexedDB is not available here (it is a browser API); pass options.indexedDB to use a polyfill');
  return { factory, databaseName: options.databaseName ?? 'keel-models', storeName: options.storeName ?? 'models' };
}

function openDatabase(factory: IDBFactory, databaseName: string, storeName: string): Promise<IDBDatabase> {
  const open = (version?: number): Promise<IDBDatabase> =>
    new Promise((resolve, reject) => {
      const request = version === undefined ? factory.open(databaseName) : factory.open(databaseName, version);
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(storeName)) request.result.createObjectStore(storeName);
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error(`could not open IndexedDB database '${databaseName}'`));
      request.onblocked = () => reject(new Error(`IndexedDB database '${databaseName}' is open in another tab with an older version; close it and retry`));
    });
  return open().then((db) => {
    if (db.objectStoreNames.contains(storeName)) return db;
    // The database exists without our store: add it in a version upgrade.
    const next = db.version + 1;
    db.close();
    return open(next);
  });
}

/** Runs `work` in one transaction on the store and resolves with its result once the transaction commits. */
async function inTransaction<T>(options: IndexedDBOptions, mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const { factory, databaseName, storeName } = settings(options);
  const db = await openDatabase(factory, databaseName, storeName);
  try {
    return await new Promise<T>((resolve, reject) => {
      const transaction = db.transaction(storeName, mode);
      const request = work(transaction.objectStore(storeName));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onabort = () => reject(transaction.error ?? new Error('the IndexedDB transaction was aborted'));
      transaction.onerror = () => reject(transaction.error ?? new Error('the IndexedDB transaction failed'));
    });
  } finally {
    db.close();
  }
}

/**
 * Saves the model (with its extras) under `key`, replacing what was there. The files go into
 * one record written by one transaction: a save that fails leaves the previous model untouched.
 */
export async function saveModelToIndexedDB(model: Sequential, key: string, extras: SaveExtras = {}, options: IndexedDBOptions = {}): Promise<void> {
  checkModelToSave('saveModelToIndexedDB(model)', model);
  checkKeyAndOptions('saveModelToIndexedDB', key, options);
  checkExtras('saveModelToIndexedDB(model, key, extras)', extras);
  const { files } = serializeModel(model, extras);
  const record: StoredModel = { format: RECORD_FORMAT, formatVersion: 1, savedAt: new Date().toISOString(), files };
  await inTransaction(options, 'readwrite', (store) => store.put(record, key));
}

/** Loads the model saved under `key`; every plugin it needs must be installed in `registry`. */
export async function loadModelFromIndexedDB(key: string, registry: Registry = defaultRegistry, options: IndexedDBOptions = {}): Promise<LoadedModel> {
  checkKeyAndOptions('loadModelFromIndexedDB', key, options);
  checkRegistry('loadModelFromIndexedDB(key, registry)', registry);
  const source = `IndexedDB '${options.databaseName ?? 'keel-models'}' key '${key}'`;
  const record = (await inTransaction(options, 'readonly', (store) => store.get(key))) as Partial<StoredModel> | undefined;
  if (record === undefined) throw new ModelFileError('no model is saved under this key', source);
  if (typeof record !== 'object' || record === null || record.format !== RECORD_FORMAT || typeof record.files !== 'object' || record.files === null) {
    throw new ModelFileError('the record there is not a Keel model', source);
  }
  return deserializeModel(record.files, registry, { source });
}

/** Deletes the model saved under `key` (nothing happens if there is none). */
export async function deleteModelFromIndexedDB(key: string, options: IndexedDBOptions = {}): Promise<void> {
  checkKeyAndOptions('deleteModelFromIndexedDB', key, options);
  await inTransaction(options, 'readwrite', (store) => store.delete(key));
}

/** The model as a one-file bundle (see `encodeModelBundle`), ready for a download link. */
export function modelDownloadBlob(model: Sequential, extras: SaveExtras = {}): Blob {
  checkModelToSave('modelDownloadBlob(model)', model);
  checkExtras('modelDownloadBlob(model, extras)', extras);
  return new Blob([encodeModelBundle(model, extras)], { type: 'application/octet-stream' });
}
