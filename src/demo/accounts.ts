/** The demo logins printed at start-up and listed in the README (DESIGN.md §8). */
export const DEMO_ACCOUNTS = [
  {
    login: '12345678Z', password: 'Cliente-Demo-2026',
    who: 'Hogar: dos direcciones de suministro, factura electrónica en una',
  },
  { login: '71234567W', password: 'Empresa-Demo-2026', who: 'Representante de Panadería Ruiz S.L. (B81234569)' },
  {
    login: '45678123P', password: 'Gestoria-Demo-2026',
    who: 'Representante de Gestoría Fincas Levante S.L. (B65432106), gestor externo de 42 clientes',
  },
  { login: 'X1234567L', password: 'Colabora-Demo-2026', who: 'Colaborador de la gestoría, solo lectura' },
  {
    login: 'admin', password: 'Admin-Demo-2026',
    who: 'Administración (/admin): supervisor; activa la verificación en dos pasos en el primer acceso',
  },
  {
    login: 'agente', password: 'Agente-Demo-2026',
    who: 'Administración (/admin): agente de atención al cliente; ídem',
  },
] as const;
