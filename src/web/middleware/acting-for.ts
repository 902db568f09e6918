import type { Response } from 'express';
import type { Knex } from 'knex';
import type { Access } from '../../domain/access';
import { actingForBanner } from '../../domain/overview';
import type { LinkRole } from '../../domain/access';

export interface ActingForBanner {
  customerId: number;
  name: string;
  taxId: string;
  role: LinkRole;
  /** The gestoría the user acts through, when not linked directly. */
  managerName: string | null;
}

/**
 * Sets the data of the "acting for" banner of the layout when the user reaches this customer
 * other than as the holder of their own account: one small query, and none for the holder.
 */
export async function setActingForBanner(db: Knex, res: Response, customerId: number, access: Access): Promise<void> {
  const banner = actingForBanner(access.via);
  if (!banner) return;
  const ids = banner.managerCustomerId === null ? [customerId] : [customerId, banner.managerCustomerId];
  const rows: { id: number; name: string; tax_id: string }[] = await db('customers').whereIn('id', ids).select('id', 'name', 'tax_id');
  const customer = rows.find((r) => r.id === customerId);
  if (!customer) return;
  const value: ActingForBanner = {
    customerId, name: customer.name, taxId: customer.tax_id, role: banner.role,
    managerName: banner.managerCustomerId === null ? null : rows.find((r) => r.id === banner.managerCustomerId)?.name ?? null,
  };
  res.locals.actingForBanner = value;
}
