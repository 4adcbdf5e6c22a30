/**
 * Promises over IndexedDB's requests and transactions, and the records of the key-value store.
 *
 * @packageDocumentation
 */

/** What the store keeps under a key: a value with its bytes, or a dictionary. */
export type KvRecord =
  | { readonly kind: "value"; readonly data: Uint8Array; readonly modified: number }
  | { readonly kind: "dictionary"; readonly modified: number };

/** The result of a request. */
export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error("IndexedDB request failed"));
  });
}

/** Resolves when the transaction commits; rejects with its error when it aborts. */
export function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
    tx.onerror = () => reject(tx.error ?? new Error("IndexedDB transaction failed"));
  });
}

/** The range of the keys strictly below `segments` (arrays sort after every string in IndexedDB). */
export function below(segments: readonly string[]): IDBKeyRange {
  return IDBKeyRange.bound([...segments, ""], [...segments, []]);
}

/** Opens (creating if needed) the database `name` with its one object store `store`. */
export function openDatabase(factory: IDBFactory, name: string, store: string): Promise<IDBDatabase> {
  const open = factory.open(name, 1);
  open.onupgradeneeded = () => {
    if (!open.result.objectStoreNames.contains(store)) open.result.createObjectStore(store);
  };
  return request(open);
}
