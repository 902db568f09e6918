/**
 * Spanish postal addresses: the province of a postal code and the checks of a correspondence
 * address (DESIGN.md §4 rule 16, issue 5 item 7). Pure.
 *
 * The first two digits of a Spanish postal code are the province's number in the official
 * alphabetical list of provinces (INE codes 01–50) plus the autonomous cities of Ceuta (51)
 * and Melilla (52). Names follow the forms the portal already uses ("Valencia", "Alicante").
 */
export const PROVINCES = [
  'Araba/Álava', 'Albacete', 'Alicante', 'Almería', 'Ávila', 'Badajoz', 'Illes Balears', 'Barcelona', 'Burgos',
  'Cáceres',
  'Cádiz', 'Castellón', 'Ciudad Real', 'Córdoba', 'A Coruña', 'Cuenca', 'Girona', 'Granada', 'Guadalajara', 'Gipuzkoa',
  'Huelva', 'Huesca', 'Jaén', 'León', 'Lleida', 'La Rioja', 'Lugo', 'Madrid', 'Málaga', 'Murcia',
  'Navarra', 'Ourense', 'Asturias', 'Palencia', 'Las Palmas', 'Pontevedra', 'Salamanca', 'Santa Cruz de Tenerife',
  'Cantabria', 'Segovia',
  'Sevilla', 'Soria', 'Tarragona', 'Teruel', 'Toledo', 'Valencia', 'Valladolid', 'Bizkaia', 'Zamora', 'Zaragoza',
  'Ceuta', 'Melilla',
] as const;
export type Province = (typeof PROVINCES)[number];

/** Provinces in the order people look for them (alphabetical, ignoring accents and articles). */
export const PROVINCES_SORTED: readonly Province[] = [...PROVINCES].sort(
  (a, b) => sortKey(a).localeCompare(sortKey(b), 'es'),
);

function sortKey(name: string): string {
  return fold(name).replace(/^(a|la|las|illes) /, '');
}

/** Lower case without accents, for lenient comparisons of what the user sent. */
function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

const POSTAL_CODE = /^\d{5}$/;

export function normalizePostalCode(raw: string): string {
  return raw.replace(/\s+/g, '');
}

/** The province of a postal code, or null when the code cannot exist (bad shape, 00, 53–99). */
export function provinceOfPostalCode(raw: string): Province | null {
  const pc = normalizePostalCode(raw);
  if (!POSTAL_CODE.test(pc)) return null;
  const n = Number(pc.slice(0, 2));
  return n >= 1 && n <= PROVINCES.length ? PROVINCES[n - 1]! : null;
}

/** The province named by a select value: its exact name, its two-digit code, or the name in any case/accents. */
export function findProvince(raw: string): Province | null {
  const v = raw.trim();
  if (/^\d{2}$/.test(v)) {
    const n = Number(v);
    return n >= 1 && n <= PROVINCES.length ? PROVINCES[n - 1]! : null;
  }
  const f = fold(v);
  return f ? PROVINCES.find((p) => fold(p) === f) ?? null : null;
}

export interface AddressInput {
  street: string;
  number: string;
  floorDoor: string;
  postalCode: string;
  municipality: string;
  province: string;
}

export interface Address {
  street: string;
  number: string;
  floorDoor: string | null;
  postalCode: string;
  municipality: string;
  province: Province;
}

export type AddressField = keyof AddressInput;
export type AddressError =
  | 'required'
  | 'too_long'
  | 'postal_code_format'
  | 'postal_code_invalid'
  | 'province_unknown'
  | 'postal_code_province_mismatch';

export type AddressResult =
  | { ok: true; address: Address }
  | { ok: false; errors: Partial<Record<AddressField, AddressError>>; expectedProvince: Province | null };

// The columns of contract_accounts.corr_*.
export const ADDRESS_LIMITS: Record<AddressField, number> = {
  street: 150, number: 10, floorDoor: 30, postalCode: 5, municipality: 100, province: 50,
};

function clean(v: string): string {
  return v.replace(/\s+/g, ' ').trim();
}

/**
 * Checks a correspondence address field by field; the postal code must be one of the province
 * chosen (e.g. 28001 is Madrid, so it cannot go with Valencia).
 */
export function validateAddress(input: AddressInput): AddressResult {
  const errors: Partial<Record<AddressField, AddressError>> = {};
  const v = {
    street: clean(input.street), number: clean(input.number), floorDoor: clean(input.floorDoor),
    postalCode: normalizePostalCode(input.postalCode), municipality: clean(input.municipality), province: clean(
      input.province,
    ),
  };
  for (const f of ['street', 'number', 'municipality'] as const) {
    if (!v[f]) errors[f] = 'required';
    else if (v[f].length > ADDRESS_LIMITS[f]) errors[f] = 'too_long';
  }
  if (v.floorDoor.length > ADDRESS_LIMITS.floorDoor) errors.floorDoor = 'too_long';

  let fromCode: Province | null = null;
  if (!v.postalCode) errors.postalCode = 'required';
  else if (!POSTAL_CODE.test(v.postalCode)) errors.postalCode = 'postal_code_format';
  else if (!(fromCode = provinceOfPostalCode(v.postalCode))) errors.postalCode = 'postal_code_invalid';

  const province = v.province ? findProvince(v.province) : null;
  if (!v.province) errors.province = 'required';
  else if (!province) errors.province = 'province_unknown';

  if (fromCode && province && fromCode !== province) errors.postalCode = 'postal_code_province_mismatch';

  if (Object.keys(errors).length > 0 || !province) return { ok: false, errors, expectedProvince: fromCode };
  return {
    ok: true,
    address: {
      street: v.street, number: v.number, floorDoor: v.floorDoor || null, postalCode: v.postalCode,
      municipality: v.municipality, province,
    },
  };
}

/** One line, as printed on an envelope: "Calle del Mar 7, Bajo, 03700 Dénia (Alicante)". */
export function formatAddress(
  a: {
    street: string; number: string; floorDoor?: string | null;
    postalCode: string; municipality: string; province: string;
  },
): string {
  const floorDoor = a.floorDoor ? `, ${a.floorDoor}` : '';
  return `${a.street} ${a.number}${floorDoor}, ${a.postalCode} ${a.municipality} (${a.province})`;
}
