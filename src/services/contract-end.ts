import type { Knex } from 'knex';
import { endContract } from '../data/contracts-repo';
import { endServicesWithContract } from '../data/contract-services-repo';
import { audit } from '../data/audit-repo';
import type { StaffActor } from './context';

/**
 * A contract's supply ends on `endDate` (cancellation, or the old holder's contract in a change
 * of holder), and its maintenance services end with it: none is billed for a day the contract
 * no longer supplies, and none stays "in force" on an ended contract. One audit row per service.
 */
export async function endContractAndServices(
  trx: Knex.Transaction, c: { id: number; customer_id: number }, endDate: string,
  staff: StaffActor, now: Date, reference: string,
): Promise<void> {
  await endContract(trx, c.id, endDate);
  for (const s of await endServicesWithContract(trx, c.id, endDate, now)) {
    await audit(trx, {
      actorType: 'staff', actorId: staff.id, customerId: c.customer_id, action: 'service.ended_with_contract',
      targetType: 'contract', targetId: c.id, ip: staff.ip, at: now,
      details: { reference, service: s.service_code, contractServiceId: s.id, previousEndDate: s.end_date, endDate },
    });
  }
}
