import type { PGlite } from '@electric-sql/pglite';

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve: (size: number) => void;
  reject: (err: Error) => void;
  onData: (data: Uint8Array) => void;
}

interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  db: PGlite;
  lastHandlerId: number | null;
  processQueue(): Promise<void>;
  clearTransactionIfNeeded(handlerId: number): Promise<void>;
}

// Frontend messages that end a unit of work: Sync, simple Query, Terminate.
const SYNC = 0x53;
const QUERY = 0x51;
const TERMINATE = 0x58;

/**
 * pglite-socket 0.2 multiplexes client connections onto PGlite's single backend one protocol
 * message at a time, keeping a connection to itself only inside a transaction. Outside one,
 * the Parse/Bind/Execute/Sync messages of two connections interleave and share the backend's
 * unnamed statement and portal, so concurrent queries get each other's parameters and rows.
 * This keeps a connection to itself from its first message until its Sync (or simple Query),
 * exactly as a real server's per-connection backend would.
 */
export function serializeExtendedProtocol(server: unknown): void {
  const queue = (server as { queryQueue?: QueryQueue }).queryQueue;
  if (!queue || !Array.isArray(queue.queue) || typeof queue.processQueue !== 'function' || typeof queue.clearTransactionIfNeeded !== 'function') {
    throw new Error('pglite-socket internals changed: re-check whether connections still interleave before upgrading');
  }
  let midBatch = false;

  queue.processQueue = async function processQueue(this: QueryQueue): Promise<void> {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        let next: QueuedMessage | undefined;
        if ((midBatch || this.db.isInTransaction()) && this.lastHandlerId !== null) {
          const i = this.queue.findIndex((q) => q.handlerId === this.lastHandlerId);
          if (i === -1) break; // wait for the same connection's next message
          next = this.queue.splice(i, 1)[0];
        } else {
          next = this.queue.shift();
        }
        if (!next) break;
        const current = next;
        let size = 0;
        try {
          await this.db.runExclusive(() => this.db.execProtocolRawStream(current.message, {
            onRawData: (data: Uint8Array) => {
              size += data.length;
              current.onData(data);
            },
          }));
        } catch (err) {
          current.reject(err as Error);
          continue;
        }
        const type = current.message[0];
        // A startup packet starts with its length's high byte (0); it is a unit on its own.
        midBatch = type !== 0 && type !== SYNC && type !== QUERY && type !== TERMINATE;
        this.lastHandlerId = current.handlerId;
        current.resolve(size);
      }
    } finally {
      this.processing = false;
    }
  };

  const clear = queue.clearTransactionIfNeeded.bind(queue);
  queue.clearTransactionIfNeeded = async function (this: QueryQueue, handlerId: number): Promise<void> {
    // A connection that drops between Parse and Sync must not keep the others waiting.
    if (queue.lastHandlerId === handlerId && midBatch) {
      midBatch = false;
      if (!queue.db.isInTransaction()) {
        queue.lastHandlerId = null;
        await queue.processQueue();
      }
    }
    await clear(handlerId);
  };
}
