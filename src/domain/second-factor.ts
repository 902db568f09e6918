/**
 * When a customer's user must have a second factor: an administrator's policy may require it
 * for users who act for more than N customers (gestorías act for dozens).
 */
export function secondFactorRequired(customersActedFor: number, threshold: number | null): boolean {
  return threshold !== null && customersActedFor > threshold;
}
