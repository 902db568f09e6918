import type { Knex } from 'knex';
import type { Config } from '../config';
import type { PdfSigner } from '../adapters/pdf/signing';
import type { Actor } from './requests';

/** The staff member acting, as audit rows record them. */
export interface StaffActor { id: number; ip: string | null }

/**
 * What a use case runs with: the database (the use case opens its own transaction on it), the
 * time of the request, the configuration and who acts. The mailer is woken after a commit
 * that queued mail; the signer is there for the use cases that sign PDFs.
 */
export interface UseCaseContext<A = Actor> {
  db: Knex;
  now: Date;
  config: Config;
  actor: A;
  signer?: PdfSigner;
  mailer?: { kick(): void } | undefined;
}

export type StaffContext = UseCaseContext<StaffActor>;
export type SystemContext = UseCaseContext<null>;
