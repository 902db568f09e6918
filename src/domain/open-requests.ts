import { DomainError } from './errors';
import type { RequestType } from './requests';

/**
 * Requests of these types change one thing about a contract: while one is open (recibida or
 * en trámite) a second one of the same type for the same contract is refused, with a link to
 * the open one. Readings and complaints may be many.
 */
export const ONE_OPEN_PER_CONTRACT: readonly RequestType[] = [
  'power_change', 'direct_debit', 'payment_day', 'correspondence_address', 'product_change', 'cancellation',
  'holder_change',
];

export function oneOpenPerContract(type: RequestType): boolean {
  return ONE_OPEN_PER_CONTRACT.includes(type);
}

export class DuplicateRequestError extends DomainError {
  constructor(readonly type: RequestType, readonly open: { id: number; reference: string }) {
    super('conflict', `A ${type} request is already open for this contract`, {
      requestId: open.id, reference: open.reference,
    });
    this.name = 'DuplicateRequestError';
  }
}
