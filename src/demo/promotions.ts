import type { Knex } from 'knex';
import { todayInSpain } from '../domain/time';

function shiftDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Two promotions in force on the demo's first day: one for households, one for businesses. */
export async function seedDemoPromotions(trx: Knex, now: Date): Promise<void> {
  const today = todayInSpain(now);
  const common = {
    valid_from: shiftDays(today, -15), valid_to: shiftDays(today, 90), active: true, created_at: now, updated_at: now,
  };
  await trx('promotions').insert([
    {
      ...common,
      title_es: 'Estudio solar gratuito en tu vivienda', title_ca: 'Estudi solar gratuït a casa teva',
      body_es: 'Calcula tu ahorro con el simulador solar y pide un estudio: un instalador visitará tu tejado sin compromiso y sin coste.',
      body_ca: 'Calcula el teu estalvi amb el simulador solar i demana un estudi: un instal·lador visitarà la teva teulada sense compromís i sense cost.',
      code: null, audience_kinds: ['household'], energy: 'electricity', tariff: null, province: null,
    },
    {
      ...common,
      title_es: 'Auditoría energética para empresas', title_ca: 'Auditoria energètica per a empreses',
      body_es: 'Un técnico revisa tus potencias contratadas y tus consumos y te propone cómo pagar menos. Indica el código al llamarnos.',
      body_ca: 'Un tècnic revisa les teves potències contractades i els teus consums i et proposa com pagar menys. Indica el codi quan ens truquis.',
      code: 'AUDITA2027', audience_kinds: ['business', 'gestoria'], energy: null, tariff: null, province: null,
    },
  ]);
}
