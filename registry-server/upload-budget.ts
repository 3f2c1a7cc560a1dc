import { Gauge, type Registry } from 'prom-client';

/** One upload's share of the budget; release it once the upload's bytes are no longer held (idempotent). */
export interface Reservation {
  readonly bytes: number;
  release(): void;
}

/**
 * The upload bytes the server holds at once, over all requests (`--upload-budget`). An upload reserves its
 * size (Content-Length, or the upload limit when the length is not announced) before its body is read; when
 * the reservation does not fit, the upload is refused at once (503 with Retry-After) and its body never read.
 */
export class UploadBudget {
  private reserved = 0;

  constructor(readonly capacity: number) {
    if (!(capacity > 0)) throw new RangeError(`upload budget must be positive, not ${capacity}`);
  }

  /** Bytes reserved right now. */
  get reservedBytes(): number {
    return this.reserved;
  }

  /** Reserves `bytes`, or returns undefined when they do not fit. */
  tryReserve(bytes: number): Reservation | undefined {
    const size = Math.max(0, Math.ceil(bytes));
    if (this.reserved + size > this.capacity) return undefined;
    this.reserved += size;
    let held = true;
    return {
      bytes: size,
      release: () => {
        if (!held) return;
        held = false;
        this.reserved -= size;
      },
    };
  }

  /** Exposes the budget and what is reserved as gauges on a Prometheus registry (once per registry). */
  register(registry: Registry): void {
    if (registry.getSingleMetric('chartroom_upload_reserved_bytes')) return;
    const budget = this;
    new Gauge({
      name: 'chartroom_upload_reserved_bytes',
      help: 'Upload bytes reserved by requests in progress',
      registers: [registry],
      collect() {
        this.set(budget.reservedBytes);
      },
    });
    new Gauge({
      name: 'chartroom_upload_budget_bytes',
      help: 'Upload bytes the server holds at once, over all requests (--upload-budget)',
      registers: [registry],
      collect() {
        this.set(budget.capacity);
      },
    });
  }
}
