import { cifControl, cupsControlLetters, nifControlLetter, cccToIban } from '../domain/ids';
import { COMMUNITY_STREETS, COMPANY_NAMES, STREETS, TOWNS } from './catalog';

export interface DemoAddress { street: string; number: string; floorDoor: string | null; postalCode: string; municipality: string; province: string }
export interface DemoMonth { month: string; P1: number; P2: number; P3: number }
export interface DemoSupply {
  cups: string; energy: 'electricity' | 'gas'; tariff: string; productCode: string; distributor: string;
  address: DemoAddress; powerKw: { P1: number; P2: number } | null; eBilling: boolean; startDate: string;
  meterStart: number; monthly: DemoMonth[];
}
export interface DemoAccount { number: string; address: DemoAddress; iban: string | null; paymentDay?: number; altRecipient?: string; supplies: DemoSupply[] }
export interface DemoCustomer {
  taxId: string; kind: 'individual' | 'company' | 'community'; name: string; representativeNif?: string;
  email: string; phone: string; accounts: DemoAccount[];
}
export interface DemoUser {
  loginId: string; firstName: string; lastName: string; email: string; language: 'es' | 'ca';
  links: { taxId: string; role: 'holder' | 'representative' | 'authorized_full' | 'authorized_read' }[];
  /** An old account registered with the company CIF (seed 002): it exists but can no longer log in. */
  legacyCif?: true;
}
export interface DemoPlan {
  customers: DemoCustomer[];
  users: DemoUser[];
  externalManagers: { clientTaxId: string; managerTaxId: string }[];
  /** CUPS whose second-to-last invoice the bank returned. */
  returnedInvoiceContracts: string[];
}

/** Deterministic so that every fresh demo database looks the same. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function nif(n: number): string {
  const digits = String(n).padStart(8, '0');
  return digits + nifControlLetter(digits);
}

export function cif(letter: string, n: number): string {
  const body = letter + String(n).padStart(7, '0');
  const ctl = cifControl(body);
  return body + ('ABEH'.includes(letter) ? ctl.digit : 'PQRSNW'.includes(letter) ? ctl.letter : ctl.digit);
}

export function cups(distributor: string, n: number): string {
  const digits = distributor + String(n).padStart(12, '0');
  return `ES${digits}${cupsControlLetters(digits)}`;
}

const CCC_WEIGHTS = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6];
function cccDigit(ten: string): number {
  const sum = [...ten].reduce((acc, d, i) => acc + Number(d) * CCC_WEIGHTS[i]!, 0);
  const r = 11 - (sum % 11);
  return r === 11 ? 0 : r === 10 ? 1 : r;
}

export function iban(bank: string, office: string, account: number): string {
  const acc = String(account).padStart(10, '0');
  const ccc = `${bank}${office}${cccDigit(`00${bank}${office}`)}${cccDigit(acc)}${acc}`;
  return cccToIban(ccc);
}

// Seasonal shape of a Spanish household: heating in winter, air conditioning in July-August.
const ELECTRIC_SEASON = [1.25, 1.15, 1.0, 0.85, 0.8, 0.95, 1.25, 1.3, 1.0, 0.85, 0.95, 1.2];
const GAS_SEASON = [2.2, 1.9, 1.5, 1.0, 0.6, 0.35, 0.25, 0.25, 0.35, 0.7, 1.4, 2.0];

function electricMonths(
  months: string[], baseKwh: number, split: [number, number, number], rnd: () => number,
): DemoMonth[] {
  return months.map((month) => {
    const season = ELECTRIC_SEASON[Number(month.slice(5, 7)) - 1]!;
    const total = baseKwh * season * (0.9 + rnd() * 0.2);
    return {
      month: `${month}-01`, P1: Math.round(total * split[0]), P2: Math.round(total * split[1]),
      P3: Math.round(total * split[2]),
    };
  });
}

function gasMonths(months: string[], baseKwh: number, rnd: () => number): DemoMonth[] {
  return months.map((month) => {
    const season = GAS_SEASON[Number(month.slice(5, 7)) - 1]!;
    return { month: `${month}-01`, P1: Math.round(baseKwh * season * (0.9 + rnd() * 0.2)), P2: 0, P3: 0 };
  });
}

export function buildDemoPlan(months: string[]): DemoPlan {
  const rnd = prng(20261122);
  let cupsSeq = 100000000000;
  let accountSeq = 100000000000;
  const nextAccount = () => String(++accountSeq);
  const electricity = (address: DemoAddress, kw: number, productCode: string, eBilling: boolean, base: number, split: [number, number, number], startDate = '2021-03-01'): DemoSupply => ({
    cups: cups('0021', ++cupsSeq * 7 % 1e12), energy: 'electricity', tariff: '2.0TD', productCode,
    distributor: 'i-DE Redes Eléctricas Inteligentes',
    address, powerKw: { P1: kw, P2: kw }, eBilling, startDate, meterStart: Math.round(8000 + rnd() * 20000),
    monthly: electricMonths(months, base, split, rnd),
  });
  const gas = (address: DemoAddress, productCode: string, eBilling: boolean, base: number, startDate = '2021-10-01'): DemoSupply => ({
    cups: cups('0234', ++cupsSeq * 11 % 1e12), energy: 'gas', tariff: productCode.endsWith('rl2') ? 'RL.2' : 'RL.1',
    productCode,
    distributor: 'Nedgia Cegas', address, powerKw: null, eBilling, startDate, meterStart: Math.round(
      5000 + rnd() * 10000,
    ),
    monthly: gasMonths(months, base, rnd),
  });
  const home: DemoAddress = {
    street: 'Calle de Cirilo Amorós', number: '24', floorDoor: '3º 6ª', postalCode: '46004', municipality: 'València',
    province: 'Valencia',
  };
  const beachHouse: DemoAddress = {
    street: 'Calle del Mar', number: '7', floorDoor: 'Bajo', postalCode: '03700', municipality: 'Dénia',
    province: 'Alicante',
  };
  const bakery: DemoAddress = {
    street: 'Calle de Sueca', number: '51', floorDoor: 'Bajo', postalCode: '46006', municipality: 'València',
    province: 'Valencia',
  };
  const workshop: DemoAddress = {
    street: 'Calle de la Industria', number: '12', floorDoor: 'Nave 4', postalCode: '46900', municipality: 'Torrent',
    province: 'Valencia',
  };
  const gestoriaOffice: DemoAddress = {
    street: 'Avenida del Puerto', number: '118', floorDoor: '1º 2ª', postalCode: '46023', municipality: 'València',
    province: 'Valencia',
  };

  const household: DemoCustomer = {
    taxId: '12345678Z', kind: 'individual', name: 'María García López', email: 'maria.garcia@example.com',
    phone: '612345678',
    accounts: [
      { number: nextAccount(), address: home, iban: 'ES9121000418450200051332', supplies: [
        electricity(home, 4.6, 'tarifa-luz-3-periodos', true, 270, [0.3, 0.32, 0.38]),
        gas(home, 'tarifa-gas-rl1', false, 420),
      ] },
      { number: nextAccount(), address: beachHouse, iban: null, altRecipient: 'Jorge García López', supplies: [
        electricity(beachHouse, 3.45, 'tarifa-luz-estable', false, 110, [0.25, 0.3, 0.45], '2022-06-01'),
      ] },
    ],
  };
  const panaderia: DemoCustomer = {
    taxId: 'B81234569', kind: 'company', name: 'Panadería Ruiz S.L.', representativeNif: '71234567W',
    email: 'administracion@panaderiaruiz.es', phone: '963456789',
    accounts: [{ number: nextAccount(), address: bakery, iban: iban('0049', '1500', 2710083419), paymentDay: 5, supplies: [
      electricity(bakery, 14.49, 'tarifa-luz-3-periodos', true, 2300, [0.42, 0.38, 0.2], '2019-09-01'),
      electricity(workshop, 9.2, 'tarifa-luz-3-periodos', true, 1500, [0.35, 0.35, 0.3], '2020-02-01'),
      gas(bakery, 'tarifa-gas-rl2', true, 2600, '2019-09-01'),
    ] }],
  };
  const gestoria: DemoCustomer = {
    taxId: 'B65432106', kind: 'company', name: 'Gestoría Fincas Levante S.L.', representativeNif: '45678123P',
    email: 'info@fincaslevante.es', phone: '961234567',
    accounts: [{ number: nextAccount(), address: gestoriaOffice, iban: iban('0182', '6001', 3010045678), paymentDay: 10, supplies: [
      electricity(gestoriaOffice, 6.9, 'tarifa-luz-estable', true, 650, [0.5, 0.35, 0.15], '2018-05-01'),
    ] }],
  };
  const community: DemoCustomer = {
    taxId: 'H28123453', kind: 'community', name: 'Comunidad de Propietarios Calle Mayor 15', representativeNif: nif(
      22334455,
    ), email: 'cpmayor15@example.com', phone: '960000015',
    accounts: [{ number: nextAccount(), address: {
      street: 'Calle Mayor', number: '15', floorDoor: null, postalCode: '46001', municipality: 'València',
      province: 'Valencia',
    },
      iban: iban('2100', '2212', 1200345678), supplies: [
        electricity(
          {
            street: 'Calle Mayor', number: '15', floorDoor: 'Zonas comunes', postalCode: '46001',
            municipality: 'València', province: 'Valencia',
          },
          5.75, 'tarifa-luz-estable', false, 420, [0.35, 0.35, 0.3], '2017-01-01',
        ),
      ] }],
  };

  const managed: DemoCustomer[] = [];
  for (let i = 0; i < 40; i++) {
    const town = TOWNS[i % TOWNS.length]!;
    const isCommunity = i % 3 === 2;
    const streetLine = isCommunity ? COMMUNITY_STREETS[i % COMMUNITY_STREETS.length]! : `${STREETS[i % STREETS.length]!} ${10 + i}`;
    const [street, number] = isCommunity ? [streetLine.replace(/ \d+$/, ''), streetLine.match(/\d+$/)![0]] : [STREETS[i % STREETS.length]!, String(10 + i)];
    const address: DemoAddress = {
      street, number, floorDoor: isCommunity ? null : 'Bajo',
      postalCode: town.postalCodes[i % town.postalCodes.length]!, municipality: town.municipality,
      province: town.province,
    };
    const name = isCommunity ? `Comunidad de Propietarios ${streetLine}${i >= COMMUNITY_STREETS.length * 3 ? ' bis' : ''}` : `${COMPANY_NAMES[i % COMPANY_NAMES.length]!}${i >= COMPANY_NAMES.length ? ' II' : ''} S.L.`;
    const taxId = isCommunity ? cif('H', 46100000 % 1e7 + i * 37) : cif('B', 9800000 + i * 53);
    const supplies = [
      electricity(
        isCommunity ? { ...address, floorDoor: 'Zonas comunes' } : address,
        isCommunity ? 5.75 : [4.6, 6.9, 9.2, 10.35][i % 4]!, i % 2 ? 'tarifa-luz-3-periodos' : 'tarifa-luz-estable',
        i % 4 !== 0, isCommunity ? 380 : 700 + (i % 5) * 150, [0.4, 0.35, 0.25], `201${5 + (i % 5)}-0${1 + (i % 9)}-01`,
      ),
    ];
    if (i % 5 === 1) supplies.push(gas(address, 'tarifa-gas-rl2', true, 1200));
    managed.push({
      taxId, kind: isCommunity ? 'community' : 'company', name, representativeNif: nif(30000000 + i * 9173),
      email: `contacto${i + 1}@example.com`, phone: `96${String(1000000 + i * 7919).slice(0, 7)}`,
      accounts: [
        {
          number: nextAccount(), address,
          iban: iban(['2100', '0049', '0182', '0081'][i % 4]!, String(1000 + i * 13), 4000000000 + i * 104729),
          supplies,
        },
      ],
    });
  }

  // Customers who exist but have not registered: try the registration forms with them.
  const unregistered: DemoCustomer[] = [
    { taxId: nif(23456789), kind: 'individual', name: 'Carmen Navarro Gil', email: 'carmen.navarro@example.com', phone: '622334455',
      accounts: [{ number: nextAccount(), address: {
        street: 'Calle de Ruzafa', number: '40', floorDoor: '2º 4ª', postalCode: '46006', municipality: 'València',
        province: 'Valencia',
      },
        iban: iban('2100', '0811', 2001234567), supplies: [
          electricity(
            {
              street: 'Calle de Ruzafa', number: '40', floorDoor: '2º 4ª', postalCode: '46006',
              municipality: 'València', province: 'Valencia',
            },
            3.45, 'tarifa-luz-estable', false, 200, [0.3, 0.3, 0.4],
          ),
        ] }] },
    { taxId: cif('B', 4612345), kind: 'company', name: 'Cerámicas Alcora S.L.', representativeNif: nif(34567891), email: 'admin@ceramicasalcora.es', phone: '964111222',
      accounts: [{ number: nextAccount(), address: {
        street: 'Avenida de Castellón', number: '3', floorDoor: null, postalCode: '12001',
        municipality: 'Castellón de la Plana', province: 'Castellón',
      },
        iban: iban('3058', '2100', 2710099887), paymentDay: 20, supplies: [
          electricity(
            {
              street: 'Avenida de Castellón', number: '3', floorDoor: null, postalCode: '12001',
              municipality: 'Castellón de la Plana', province: 'Castellón',
            },
            14.49, 'tarifa-luz-3-periodos', false, 1800, [0.45, 0.35, 0.2],
          ),
        ] }] },
  ];

  // Registered long ago with its CIF (seed 002): the login explains how to move to the
  // representative's NIF (/empresas/migrar-cif); no representative on file yet.
  const workshopTuria: DemoAddress = {
    street: 'Calle de la Serradora', number: '9', floorDoor: 'Nave 2', postalCode: '46470', municipality: 'Catarroja',
    province: 'Valencia',
  };
  const talleresTuria: DemoCustomer = {
    taxId: cif('B', 4623456), kind: 'company', name: 'Talleres Turia S.L.', email: 'oficina@talleresturia.es',
    phone: '961270045',
    accounts: [{ number: nextAccount(), address: workshopTuria, iban: iban('2100', '3360', 2200456789), supplies: [
      electricity(workshopTuria, 13.85, 'tarifa-luz-3-periodos', false, 1600, [0.45, 0.35, 0.2], '2016-04-01'),
    ] }],
  };

  return {
    customers: [household, panaderia, gestoria, community, ...managed, ...unregistered, talleresTuria],
    users: [
      {
        loginId: '12345678Z', firstName: 'María', lastName: 'García López', email: 'maria.garcia@example.com',
        language: 'es', links: [{ taxId: '12345678Z', role: 'holder' }],
      },
      {
        loginId: '71234567W', firstName: 'Antonio', lastName: 'Ruiz Martínez', email: 'antonio@panaderiaruiz.es',
        language: 'es', links: [{ taxId: 'B81234569', role: 'representative' }],
      },
      {
        loginId: '45678123P', firstName: 'Laura', lastName: 'Sánchez Pérez', email: 'laura.sanchez@fincaslevante.es',
        language: 'ca', links: [{ taxId: 'B65432106', role: 'representative' }],
      },
      {
        loginId: 'X1234567L', firstName: 'Jordi', lastName: 'Puig Ferrer', email: 'jordi.puig@fincaslevante.es',
        language: 'ca', links: [{ taxId: 'B65432106', role: 'authorized_read' }],
      },
      {
        loginId: talleresTuria.taxId, firstName: 'Talleres Turia', lastName: 'S.L.', email: 'oficina@talleresturia.es',
        language: 'es', links: [{ taxId: talleresTuria.taxId, role: 'representative' }], legacyCif: true,
      },
    ],
    externalManagers: [panaderia, community, ...managed].map(
      (c) => ({ clientTaxId: c.taxId, managerTaxId: 'B65432106' }),
    ),
    returnedInvoiceContracts: [household.accounts[1]!.supplies[0]!.cups],
  };
}
