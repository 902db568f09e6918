import type { Knex } from 'knex';
import { todayInSpain } from '../domain/time';
import { findService } from '../domain/maintenance-services';

function shiftDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/**
 * Two promotions in force on the demo's first day: one for households (with a discount a
 * customer can accept for a contract), one for businesses.
 */
export async function seedDemoPromotions(trx: Knex, now: Date): Promise<void> {
  const today = todayInSpain(now);
  const common = {
    valid_from: shiftDays(today, -15), valid_to: shiftDays(today, 90), active: true, created_at: now, updated_at: now,
  };
  await trx('promotions').insert([
    {
      ...common,
      title_es: 'Estudio solar gratuito en tu vivienda', title_ca: 'Estudi solar gratuït a casa teva',
      body_es: 'Calcula tu ahorro con el simulador solar y pide un estudio: un instalador visitará tu tejado'
        + ' sin compromiso y sin coste.\nY si la aceptas para tu contrato de luz, tienes un 10 % de descuento en el'
        + ' término de energía de tus 3 próximas facturas.',
      body_ca: 'Calcula el teu estalvi amb el simulador solar i demana un estudi: un instal·lador visitarà la teva'
        + ' teulada sense compromís i sense cost.\nI si l\'acceptes per al teu contracte de llum, tens un 10 % de'
        + ' descompte en el terme d\'energia de les 3 properes factures.',
      code: null, audience_kinds: ['household'], energy: 'electricity', tariff: null, province: null,
      // the demo's promotion with a discount (issue 15 item 4): accepted per contract from Ventajas
      discount_percent: 10, discount_months: 3,
    },
    {
      ...common,
      title_es: 'Auditoría energética para empresas', title_ca: 'Auditoria energètica per a empreses',
      body_es: 'Un técnico revisa tus potencias contratadas y tus consumos y te propone cómo pagar menos.'
        + ' Indica el código al llamarnos.',
      body_ca: 'Un tècnic revisa les teves potències contractades i els teus consums i et proposa com pagar menys.'
        + ' Indica el codi quan ens truquis.',
      code: 'AUDITA2027', audience_kinds: ['business', 'gestoria'], energy: null, tariff: null, province: null,
      discount_percent: null, discount_months: null,
    },
  ]);
}

/**
 * A maintenance service in force on the demo household's gas supply since the first day of the
 * month three months back, so the latest invoices the demo issues carry its fee line.
 */
export async function seedDemoServices(trx: Knex, now: Date): Promise<void> {
  const today = todayInSpain(now);
  const contract = await trx('contracts as c').join('customers as cu', 'cu.id', 'c.customer_id')
    .join('supply_points as sp', 'sp.id', 'c.supply_point_id')
    .where('cu.tax_id', '12345678Z').where('sp.energy', 'gas').first('c.id', 'c.customer_id');
  if (!contract) return;
  const d = new Date(`${today.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - 3);
  const boiler = findService('gas_boiler')!;
  await trx('contract_services').insert({
    contract_id: contract.id, customer_id: contract.customer_id, service_code: boiler.code,
    monthly_fee_cents: boiler.monthlyFeeCents,
    permanence_months: boiler.permanenceMonths, start_date: d.toISOString().slice(0, 10), created_at: now,
  });
}
