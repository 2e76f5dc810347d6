// What the driver's phone must keep across a reload without signal, in IndexedDB: the steps
// waiting to be sent (outbox, keyed by their reserved event id) and small named values (kv: the
// reserved ids, the last loads seen, scans in progress, the server's last word on each step).
const NAME = 'hazledger-driver';

let opening: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(NAME, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore('outbox', { keyPath: 'eventId' });
      req.result.createObjectStore('kv');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return opening;
}

async function run<T>(store: 'outbox' | 'kv', mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest): Promise<T> {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, mode);
    const req = fn(tx.objectStore(store));
    tx.oncomplete = () => resolve(req.result as T);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export const kv = {
  get: <T>(key: string) => run<T | undefined>('kv', 'readonly', (s) => s.get(key)),
  set: (key: string, value: unknown) => run<void>('kv', 'readwrite', (s) => s.put(value, key)),
  del: (key: string) => run<void>('kv', 'readwrite', (s) => s.delete(key)),
};

export const outboxStore = {
  all: <T>() => run<T[]>('outbox', 'readonly', (s) => s.getAll()),
  put: (value: { eventId: string }) => run<void>('outbox', 'readwrite', (s) => s.put(value)),
  del: (eventId: string) => run<void>('outbox', 'readwrite', (s) => s.delete(eventId)),
};
