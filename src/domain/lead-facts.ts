/**
 * The details of the leads of the new products area (solar study, another energy, new supply)
 * as people read them, for the customer's request page and the admin request page alike: each
 * fact names its label, and its value with the kind of formatting it needs, so the view formats
 * it through the shared formatter (it.fmt) in the page's language. Pure.
 */
export type FactKind =
  | 'text'
  | 'key'
  | 'money'
  | 'kwh'
  | 'kw'
  | 'kwp'
  | 'percent'
  | 'number'
  | 'years'
  | 'degrees'
  | 'cups'
  | 'day';

export interface LeadFact {
  /** Message key of the label. */
  label: string;
  kind: FactKind;
  value: string | number;
  /** For kind 'key': the message key of the value. */
  valueKey?: string;
}

export const LEAD_FACT_TYPES = ['solar_study', 'new_energy', 'new_supply', 'maintenance_service'] as const;

export function hasLeadFacts(type: string): boolean {
  return (LEAD_FACT_TYPES as readonly string[]).includes(type);
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

function solarFacts(p: Record<string, unknown>): LeadFact[] {
  const out: LeadFact[] = [];
  const add = (label: string, kind: FactKind, v: unknown) => {
    const n = num(v);
    if (n !== null) out.push({ label: `leadFacts.${label}`, kind, value: n });
  };
  const orientation = str(p.orientation);
  if (orientation)
    out.push({
      label: 'leadFacts.orientation',
      kind: 'key',
      value: orientation,
      valueKey: `solar.orientations.${orientation}`,
    });
  add('tilt', 'degrees', p.tiltDeg);
  add('panels', 'number', p.panels);
  add('kwp', 'kwp', p.kwp);
  // no battery reads "none" rather than "0 kWh"
  if (num(p.batteryKwh) === 0)
    out.push({ label: 'leadFacts.battery', kind: 'key', value: 0, valueKey: 'leadFacts.noBattery' });
  else add('battery', 'kwh', p.batteryKwh);
  add('yearlyProduction', 'kwh', p.yearlyProductionKwh);
  add('selfConsumption', 'percent', p.selfConsumptionPercent);
  add('yearlySaving', 'money', p.yearlySavingCents);
  add('investment', 'money', p.investmentCents);
  if (p.paybackYears === null)
    out.push({ label: 'leadFacts.payback', kind: 'key', value: '', valueKey: 'leadFacts.never' });
  else add('payback', 'years', p.paybackYears);
  return out;
}

function contractingFacts(p: Record<string, unknown>): LeadFact[] {
  const out: LeadFact[] = [];
  const energy = str(p.energy);
  if (energy)
    out.push({ label: 'leadFacts.energy', kind: 'key', value: energy, valueKey: `supplies.energies.${energy}` });
  const address = str(p.address);
  if (address) out.push({ label: 'leadFacts.address', kind: 'text', value: address });
  const product = str(p.productName) ?? str(p.productCode);
  if (product) out.push({ label: 'leadFacts.product', kind: 'text', value: product });
  const tariff = str(p.tariff);
  if (tariff) out.push({ label: 'leadFacts.tariff', kind: 'text', value: tariff });
  if (num(p.powerKw) !== null) out.push({ label: 'leadFacts.power', kind: 'kw', value: num(p.powerKw)! });
  const cups = str(p.cups);
  out.push(
    cups
      ? { label: 'leadFacts.cups', kind: 'cups', value: cups }
      : { label: 'leadFacts.cups', kind: 'key', value: '', valueKey: 'leadFacts.cupsUnknown' },
  );
  if (p.payment === 'account' && str(p.contractAccount)) {
    out.push({
      label: 'leadFacts.payment',
      kind: 'key',
      value: String(p.contractAccount),
      valueKey: 'leadFacts.paymentAccount',
    });
  } else if (p.payment === 'iban' && str(p.maskedIban)) {
    out.push({
      label: 'leadFacts.payment',
      kind: 'key',
      value: String(p.maskedIban),
      valueKey: 'leadFacts.paymentIban',
    });
    if (str(p.holder)) out.push({ label: 'leadFacts.holder', kind: 'text', value: String(p.holder) });
  }
  if (num(p.monthlyEstimateCents) !== null)
    out.push({ label: 'leadFacts.estimate', kind: 'money', value: num(p.monthlyEstimateCents)! });
  if (num(p.yearlyKwh) !== null) out.push({ label: 'leadFacts.yearlyKwh', kind: 'kwh', value: num(p.yearlyKwh)! });
  const contract = str(p.createdContract);
  if (contract) out.push({ label: 'leadFacts.createdContract', kind: 'text', value: contract });
  return out;
}

function serviceFacts(p: Record<string, unknown>): LeadFact[] {
  const out: LeadFact[] = [];
  const action = p.action === 'cancel' ? 'cancel' : 'contract';
  out.push({
    label: 'leadFacts.serviceAction', kind: 'key', value: action, valueKey: `leadFacts.serviceActions.${action}`,
  });
  // the name as the customer read it when contracting
  if (str(p.serviceName)) out.push({ label: 'leadFacts.service', kind: 'text', value: String(p.serviceName) });
  if (num(p.monthlyFeeCents) !== null) {
    out.push({ label: 'leadFacts.monthlyFee', kind: 'money', value: num(p.monthlyFeeCents)! });
  }
  if (num(p.permanenceMonths) !== null) {
    out.push({ label: 'leadFacts.permanenceMonths', kind: 'number', value: num(p.permanenceMonths)! });
  }
  if (str(p.startDate)) out.push({ label: 'leadFacts.serviceStart', kind: 'day', value: String(p.startDate) });
  if (str(p.endDate)) out.push({ label: 'leadFacts.serviceEnd', kind: 'day', value: String(p.endDate) });
  return out;
}

/** The facts of a lead's payload, in reading order; anything unknown is left out rather than shown raw. */
export function leadFacts(type: string, payload: Record<string, unknown> | null | undefined): LeadFact[] {
  const p = payload ?? {};
  if (type === 'solar_study') return solarFacts(p);
  if (type === 'new_energy' || type === 'new_supply') return contractingFacts(p);
  if (type === 'maintenance_service') return serviceFacts(p);
  return [];
}

/** One fact as text, given the page's formatter and translator (both views share it). */
export function formatLeadFact(
  f: LeadFact,
  fmt: {
    money(c: number): string;
    kwh(v: number): string;
    kw(v: number): string;
    percent(v: number): string;
    number(v: number, max?: number, min?: number): string;
    cups(v: string): string;
    date(v: string): string;
  },
  t: (key: string, params?: Record<string, unknown>) => string,
): string {
  const n = typeof f.value === 'number' ? f.value : Number(f.value);
  switch (f.kind) {
    case 'key':
      return t(f.valueKey ?? '', { value: f.value });
    case 'money':
      return fmt.money(n);
    case 'kwh':
      return fmt.kwh(n);
    case 'kw':
      return fmt.kw(n);
    case 'kwp':
      return `${fmt.number(n, 2, 2)} kWp`;
    case 'percent':
      return fmt.percent(n);
    case 'number':
      return fmt.number(n, 0);
    case 'years':
      return t('leadFacts.yearsValue', { count: n, years: fmt.number(n, 1) });
    case 'degrees':
      return `${fmt.number(n, 0)}°`;
    case 'cups':
      return fmt.cups(String(f.value));
    case 'day':
      return fmt.date(String(f.value));
    default:
      return String(f.value);
  }
}
