/** The retailer's own identity, printed on pages, emails and invoices. */
export const retailer = {
  name: 'Enerlia Comercializadora, S.L.',
  brand: 'Enerlia',
  taxId: 'B12345674',
  address: 'Calle de Colón 12, 46004 Valencia',
  phone: '900 100 270',
  email: 'clientes@enerlia.es',
  registry: 'Inscrita en el Registro Mercantil de Valencia, tomo 10.234, folio 45, hoja V-178.456',
} as const;
