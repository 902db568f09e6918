/** The one error family of the application; routes map `code` to a status and a message key. */
export type DomainErrorCode =
  | 'not_found'
  | 'forbidden'
  | 'unauthenticated'
  | 'invalid_input'
  | 'conflict'
  | 'too_many_requests';

export class DomainError extends Error {
  constructor(
    public readonly code: DomainErrorCode,
    message: string = code,
    public readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
