import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import bcrypt from 'bcryptjs';
import { ChartroomError } from '../core/errors.js';

/** workerData of a bcrypt worker that runs this very module (the server bundle, dist/server.cjs). */
const MARK = 'chartroomBcryptWorker';

interface Job {
  id: number;
  password: string;
  hash: string;
}

interface Pending extends Job {
  resolve: (ok: boolean) => void;
  reject: (e: Error) => void;
}

// In a worker started on the bundle, this module answers compare jobs: bcryptjs is pure JavaScript, and a
// cost-10 check takes ~60 ms of CPU that must not be the event loop's.
if (!isMainThread && parentPort && (workerData as Record<string, unknown> | null)?.[MARK] === true) {
  const port = parentPort;
  port.on('message', (job: Job) => port.postMessage({ id: job.id, ok: bcrypt.compareSync(job.password, job.hash) }));
}

/** The same worker for ESM sources (tests, library use), where this module is TypeScript Node cannot run: bcryptjs resolved from node_modules. */
const EVAL_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData.bcryptjs);
parentPort.on('message', (job) => parentPort.postMessage({ id: job.id, ok: bcrypt.compareSync(job.password, job.hash) }));
`;

function spawn(): Worker {
  // The server bundle is CommonJS (dist/server.cjs, with every dependency inside): a worker runs the bundle
  // itself, whose top level does nothing but define functions, and this module's check above makes it a worker.
  if (typeof __filename === 'string' && /\.c?js$/.test(__filename)) return new Worker(__filename, { workerData: { [MARK]: true } });
  const bcryptjs = createRequire(import.meta.url).resolve('bcryptjs');
  return new Worker(EVAL_WORKER, { eval: true, workerData: { bcryptjs } });
}

/** Too many password checks waiting: 503 with Retry-After rather than a queue without bound. */
export class ServerBusy extends ChartroomError {
  readonly retryAfter: number;
  constructor(retryAfter = 1) {
    super('SERVER_BUSY', 'the server is busy checking credentials; try again shortly');
    this.name = 'ServerBusy';
    this.retryAfter = retryAfter;
  }
}

export interface BcryptPoolOptions {
  /** Worker threads (default: 1 on up to 2 CPUs, else 2), so bcrypt never takes every CPU from the event loop. */
  size?: number;
  /** Checks that may wait for a worker; one more is refused with ServerBusy. */
  maxQueue?: number;
  /** Workers are stopped after this long without work, and started again on demand. */
  idleMs?: number;
}

interface Slot {
  worker: Worker;
  job?: Pending;
}

/**
 * A small pool of worker threads running bcryptjs' compare, with a bounded queue. Workers start on the
 * first check, do not keep the process alive, and stop when idle.
 */
export class BcryptPool {
  private readonly size: number;
  private readonly maxQueue: number;
  private readonly idleMs: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(opts: BcryptPoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? (availableParallelism() <= 2 ? 1 : 2));
    this.maxQueue = Math.max(0, opts.maxQueue ?? 32);
    this.idleMs = opts.idleMs ?? 30_000;
  }

  /** Checks a password against a bcrypt hash in a worker; rejects with ServerBusy when the queue is full. */
  compare(password: string, hash: string): Promise<boolean> {
    if (this.closed) return Promise.reject(new Error('bcrypt pool closed'));
    const free = this.freeSlot();
    if (!free && this.queue.length >= this.maxQueue) return Promise.reject(new ServerBusy(this.retryAfterSeconds()));
    return new Promise<boolean>((resolve, reject) => {
      const job: Pending = { id: this.nextId++, password, hash, resolve, reject };
      if (free) this.run(free, job);
      else this.queue.push(job);
    });
  }

  /** Roughly how long the queue takes to drain, for Retry-After. */
  private retryAfterSeconds(): number {
    return Math.min(30, Math.max(1, Math.ceil(this.queue.length / this.size / 10)));
  }

  private freeSlot(): Slot | undefined {
    const idle = this.slots.find((s) => !s.job);
    if (idle) return idle;
    if (this.slots.length < this.size) return this.start();
    return undefined;
  }

  private start(): Slot {
    const worker = spawn();
    worker.unref();
    const slot: Slot = { worker };
    worker.on('message', (m: { id: number; ok: boolean }) => {
      const job = slot.job;
      if (!job || job.id !== m.id) return;
      slot.job = undefined;
      job.resolve(m.ok === true);
      this.next(slot);
    });
    const fail = (err: Error) => {
      const i = this.slots.indexOf(slot);
      // Stopped on purpose (idle, close): nothing to do.
      if (i < 0) return;
      this.slots.splice(i, 1);
      const job = slot.job;
      slot.job = undefined;
      job?.reject(err);
      // Whatever waits gets a fresh worker.
      if (!this.closed && this.queue.length) this.run(this.start(), this.queue.shift()!);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`bcrypt worker exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }

  private run(slot: Slot, job: Pending): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    slot.job = job;
    slot.worker.postMessage({ id: job.id, password: job.password, hash: job.hash });
  }

  private next(slot: Slot): void {
    const job = this.queue.shift();
    if (job) return this.run(slot, job);
    if (this.slots.every((s) => !s.job) && !this.idleTimer) {
      this.idleTimer = setTimeout(() => {
        this.idleTimer = undefined;
        if (this.slots.some((s) => s.job)) return;
        for (const s of this.slots.splice(0)) void s.worker.terminate();
      }, this.idleMs);
      this.idleTimer.unref();
    }
  }

  /** Stops the workers; checks still waiting are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    for (const job of this.queue.splice(0)) job.reject(new Error('bcrypt pool closed'));
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }
}
