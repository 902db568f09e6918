import type { Knex } from 'knex';
import type { ProductPeriod } from '../domain/product-change';

/** contract_product_periods: the product of a contract from a day on. */

export async function productSchedule(db: Knex, contractId: number): Promise<ProductPeriod[]> {
  const rows: { valid_from: string; product_code: string }[] = await db('contract_product_periods')
    .where({ contract_id: contractId }).orderBy('valid_from').select('valid_from', 'product_code');
  return rows.map((r) => ({ validFrom: r.valid_from, productCode: r.product_code }));
}

/** A new entry; the same day again replaces the product of that day. */
export async function insertProductPeriod(db: Knex, p: {
  contractId: number; validFrom: string; productCode: string; requestId: number | null; now: Date;
}): Promise<void> {
  await db('contract_product_periods')
    .insert({
      contract_id: p.contractId, valid_from: p.validFrom, product_code: p.productCode, request_id: p.requestId,
      created_at: p.now,
    })
    .onConflict(['contract_id', 'valid_from']).merge(['product_code', 'request_id', 'created_at']);
}

/** The contract's latest agreed product (what a new change starts from). */
export async function setContractProduct(db: Knex, contractId: number, productCode: string): Promise<void> {
  await db('contracts').where({ id: contractId }).update({ product_code: productCode });
}

/**
 * SQL for the product in force on a day of the contract the query names `alias`: the latest
 * entry on or before it, else the contract's own. For queries that read many contracts at once.
 */
export function productInForceSql(db: Knex, alias: 'c', day: string | Knex.Raw): Knex.Raw {
  return db.raw(
    `coalesce((select pp.product_code from contract_product_periods pp where pp.contract_id = ${alias}.id
      and pp.valid_from <= ?::date order by pp.valid_from desc limit 1), ${alias}.product_code)`,
    [day],
  );
}
