import type { Clock } from '../domain/clock';

export const systemClock: Clock = { now: () => new Date() };

/** A clock for tests and simulations that only moves when told. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(d: Date): void {
    this.current = new Date(d.getTime());
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
