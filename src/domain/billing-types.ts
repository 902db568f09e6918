// Shapes shared by the billing function, the invoice PDF and the repositories.
// Money is always integer cents; energy is integer kWh; power is kW with up to 3 decimals.

export type Energy = 'electricity' | 'gas';
export type TariffPeriod = 'P1' | 'P2' | 'P3';

export type InvoiceLineKind =
  | 'power_term'        // término de potencia (electricity)
  | 'energy_term'       // término de energía (electricity) / término variable (gas)
  | 'fixed_term'        // término fijo (gas)
  | 'electricity_tax'   // impuesto eléctrico (IEE)
  | 'hydrocarbon_tax'   // impuesto especial sobre hidrocarburos (gas)
  | 'meter_rental'      // alquiler de equipos de medida
  | 'service'           // servicio de mantenimiento contratado (cuota mensual)
  | 'discount'          // descuento de una promoción aceptada (negativo)
  | 'vat';              // IVA

export interface InvoiceLine {
  kind: InvoiceLineKind;
  /** Period the line refers to, when it is split by tariff period. */
  period?: TariffPeriod;
  /** Human-readable computation, e.g. "4,600 kW × 30 días × 0,087595 €/kW día". Spanish formatting. */
  detail: string;
  quantity: number;
  unit: string;          // 'kW·día', 'kWh', 'día', '%'
  unitPrice: number;     // euros per unit (or percent for taxes)
  amountCents: number;
}

export interface InvoiceTotals {
  /** Sum of every line before VAT. */
  taxableBaseCents: number;
  vatCents: number;
  totalCents: number;
}

export interface ConsumptionByPeriod {
  P1: number;
  P2: number;
  P3: number;
}
