/** Time is injected everywhere so that rules and tests decide what "now" is. */
export interface Clock {
  now(): Date;
}
