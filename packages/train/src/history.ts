import type { Logs } from './callbacks/callback.js';

/** What `fit` returns: the logs of every epoch, and each quantity as a series. */
export class History {
  readonly epochs: Logs[] = [];

  record(logs: Logs): void {
    this.epochs.push({ ...logs });
  }

  /** One quantity over the epochs, e.g. `series('val_loss')`. */
  series(name: string): number[] {
    return this.epochs.map((logs) => logs[name]).filter((v): v is number => v !== undefined);
  }

  /** The last epoch's logs. */
  get last(): Logs | undefined {
    return this.epochs[this.epochs.length - 1];
  }

  toJSON(): { epochs: Logs[] } {
    return { epochs: this.epochs };
  }
}
