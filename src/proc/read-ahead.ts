/**
 * Reading a big /proc file on a second thread while the caller scans what
 * has arrived. The kernel writes /proc/PID/smaps at about a page per
 * read(2) and spends most of -x's time doing it (the page-table walk of
 * every mapping); with the read(2) calls on a worker thread, that time and
 * the scanning overlap instead of adding up.
 *
 * The worker reads the caller's descriptor into a ring of slots in shared
 * memory; read() hands the slots out in order, as read(2) would hand out
 * the file. The caller keeps reading on its own until the worker reports
 * ready and is told to go, so the two never read the descriptor at the same
 * time, and stop() waits until the worker has left the descriptor before
 * the caller closes it. A worker that cannot start changes nothing: the
 * caller reads on.
 */
import { readFileSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { nodeRequire } from './node-require.js';
import { reapplyRuntimeFlags } from './v8-flags.js';

/**
 * 2 MiB of ring. It was 8 MiB for a cold JavaScript scanner; the table's
 * scanner is now WebAssembly, and --summary's (slower than the kernel) fills
 * any ring, whose every byte then counts in its peak RSS.
 */
const SLOTS = 4;
const SLOT_BYTES = 512 * 1024;

/** Indexes into the shared control words. */
const STATE = 0;
/** Slots the worker has filled, and slots the caller has used up (both only grow). */
const WRITTEN = 1;
const CONSUMED = 2;
/** 1 once the worker will not touch the descriptor again. */
const DONE = 3;
const LENGTHS = 4;

/** STATE's values. */
const BOOTING = 0;
const READY = 1;
const GO = 2;
const STOP = 3;

/**
 * The worker, as CommonJS source (worker_threads' eval). A read error ends
 * the file, as readOrEnd() does in procfs.ts.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { readSync } = require('node:fs');
const { fd, control, data, readSize } = workerData;
const c = new Int32Array(control);
const bytes = new Uint8Array(data);
try {
  if (Atomics.compareExchange(c, ${STATE}, ${BOOTING}, ${READY}) === ${BOOTING}) {
    while (Atomics.load(c, ${STATE}) === ${READY}) Atomics.wait(c, ${STATE}, ${READY});
    let written = 0;
    let ended = false;
    while (!ended && Atomics.load(c, ${STATE}) === ${GO}) {
      const consumed = Atomics.load(c, ${CONSUMED});
      if (written - consumed >= ${SLOTS}) {
        Atomics.wait(c, ${CONSUMED}, consumed);
        continue;
      }
      const base = (written % ${SLOTS}) * ${SLOT_BYTES};
      let filled = 0;
      while (filled < ${SLOT_BYTES}) {
        let got = 0;
        const want = readSize > 0 ? Math.min(readSize, ${SLOT_BYTES} - filled) : ${SLOT_BYTES} - filled;
        try { got = readSync(fd, bytes, base + filled, want, null); } catch {}
        if (got <= 0) { ended = true; break; }
        filled += got;
      }
      if (filled > 0) {
        c[${LENGTHS} + (written % ${SLOTS})] = filled;
        Atomics.store(c, ${WRITTEN}, ++written);
        Atomics.notify(c, ${WRITTEN});
      }
    }
  }
} finally {
  Atomics.store(c, ${DONE}, 1);
  Atomics.notify(c, ${WRITTEN});
  Atomics.notify(c, ${DONE});
}
`;

/** How long one wait lasts before the loop looks again (a guard, not a timeout). */
const WAIT_MS = 200;

export class ReadAhead {
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * (LENGTHS + SLOTS)));
  private readonly data = new Uint8Array(new SharedArrayBuffer(SLOTS * SLOT_BYTES));
  private readonly worker: Worker;
  private going = false;
  private consumed = 0;
  /** Bytes of the current slot already handed out. */
  private taken = 0;

  private constructor(fd: number, readSize: number) {
    // node:worker_threads loads here, off the start-up path of every run.
    const { Worker } = nodeRequire()('node:worker_threads') as typeof import('node:worker_threads');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { fd, control: this.control.buffer, data: this.data.buffer, readSize },
    });
    // Never keep the process alive, whatever state the worker is in; an
    // error in it ends its reading (DONE), which read() treats as the end.
    this.worker.unref();
    this.worker.on('error', () => undefined);
  }

  /**
   * A worker reading `fd` once told to go, `readSize` bytes per read(2)
   * (0: as much as its slot holds), or null when none can start.
   */
  static start(fd: number, readSize = 0): ReadAhead | null {
    if (!addressSpaceUnlimited()) return null;
    try {
      return new ReadAhead(fd, readSize);
    } catch {
      return null;
    }
  }

  /** Whether read() now takes the bytes from the worker (it has taken over). */
  get reading(): boolean {
    return this.going;
  }

  /** Called between the caller's own reads: once the worker is ready, it takes over. */
  takeOverIfReady(): boolean {
    if (this.going || Atomics.load(this.control, STATE) !== READY) return this.going;
    Atomics.store(this.control, STATE, GO);
    Atomics.notify(this.control, STATE);
    this.going = true;
    // The worker's start has put run-time V8 flags back to their defaults.
    reapplyRuntimeFlags();
    return true;
  }

  /** read(2) into buffer[offset, offset + length) from the worker's slots: 0 at the end. */
  read(buffer: Uint8Array, offset: number, length: number): number {
    const control = this.control;
    for (;;) {
      const written = Atomics.load(control, WRITTEN);
      if (written > this.consumed) break;
      // WRITTEN is stored before DONE: look at it again after seeing DONE.
      if (Atomics.load(control, DONE) === 1 && Atomics.load(control, WRITTEN) === this.consumed) return 0;
      Atomics.wait(control, WRITTEN, written, WAIT_MS);
    }
    const slot = this.consumed % SLOTS;
    const slotLength = control[LENGTHS + slot]!;
    const count = Math.min(length, slotLength - this.taken);
    const from = slot * SLOT_BYTES + this.taken;
    buffer.set(this.data.subarray(from, from + count), offset);
    this.taken += count;
    if (this.taken === slotLength) {
      this.taken = 0;
      Atomics.store(control, CONSUMED, ++this.consumed);
      Atomics.notify(control, CONSUMED);
    }
    return count;
  }

  /** Before the descriptor is closed: stop the worker and wait until it has left it. */
  stop(): void {
    const control = this.control;
    Atomics.store(control, STATE, STOP);
    Atomics.notify(control, STATE);
    Atomics.notify(control, CONSUMED);
    // A worker never told to go does not touch the descriptor.
    if (this.going) while (Atomics.load(control, DONE) !== 1) Atomics.wait(control, DONE, 0, WAIT_MS);
    // Ended now, not when the process exits, where Node would wait for a
    // worker still starting up: -X on a 744 KB smaps (1,000 mappings) went
    // from 91 to 71 ms, and 83 to 80 ms on 7.4 MB (hyperfine).
    void this.worker.terminate();
  }
}

/**
 * Whether this process may map memory freely. A worker is a second V8
 * isolate, which reserves its own code range: under a `ulimit -v` that the
 * main isolate fits in (bin/tspmap.js goes --jitless only below ~800 MiB),
 * that reservation fails and V8 ends the whole process ("Fatal process OOM").
 */
function addressSpaceUnlimited(): boolean {
  try {
    return /^Max address space +unlimited /m.test(readFileSync('/proc/self/limits', 'latin1'));
  } catch {
    return false;
  }
}
