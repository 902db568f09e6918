import type { Province } from './postal';

/**
 * Yearly production of 1 kWp facing south at the best slope, in kWh, by province.
 *
 * Source: approximations of the PVGIS-SARAH2 estimates of the European Commission's Joint
 * Research Centre (PVGIS 5.2, re.jrc.ec.europa.eu/pvg_tools, "Grid-connected PV", crystalline
 * silicon, optimal slope, azimuth 0°, 14 % system losses) for each provincial capital, rounded
 * to 10 kWh/kWp. They are the order of magnitude PVGIS gives (≈1.100 kWh/kWp on the Cantabrian
 * coast, ≈1.700 in Andalucía and the Canaries); a study on site replaces them.
 */
export const YEARLY_KWH_PER_KWP: Readonly<Record<Province, number>> = {
  'Araba/Álava': 1250, Albacete: 1650, Alicante: 1660, Almería: 1720, Ávila: 1580, Badajoz: 1680,
  'Illes Balears': 1560, Barcelona: 1450, Burgos: 1420, Cáceres: 1670, Cádiz: 1720, Castellón: 1560,
  'Ciudad Real': 1660, Córdoba: 1700, 'A Coruña': 1200, Cuenca: 1580, Girona: 1450, Granada: 1700,
  Guadalajara: 1570, Gipuzkoa: 1100, Huelva: 1720, Huesca: 1480, Jaén: 1680, León: 1470, Lleida: 1500,
  'La Rioja': 1420, Lugo: 1250, Madrid: 1620, Málaga: 1720, Murcia: 1710, Navarra: 1350, Ourense: 1350,
  Asturias: 1100, Palencia: 1450, 'Las Palmas': 1700, Pontevedra: 1350, Salamanca: 1560,
  'Santa Cruz de Tenerife': 1650, Cantabria: 1100, Segovia: 1560, Sevilla: 1720, Soria: 1500,
  Tarragona: 1520, Teruel: 1550, Toledo: 1650, Valencia: 1580, Valladolid: 1500, Bizkaia: 1080,
  Zamora: 1500, Zaragoza: 1530, Ceuta: 1690, Melilla: 1700,
};

export type SolarClimate = 'atlantic' | 'continental_mediterranean' | 'canary';

/**
 * Share of the yearly production in each month (January first; each row adds up to 1), from
 * the shape of PVGIS monthly series: summer-heavy on the Atlantic coast, flatter in the
 * Canaries.
 */
export const MONTHLY_SHARE: Readonly<Record<SolarClimate, readonly number[]>> = {
  atlantic: [0.045, 0.06, 0.085, 0.095, 0.11, 0.112, 0.118, 0.112, 0.093, 0.07, 0.052, 0.048],
  continental_mediterranean: [0.058, 0.066, 0.085, 0.09, 0.1, 0.102, 0.11, 0.105, 0.09, 0.076, 0.06, 0.058],
  canary: [0.07, 0.074, 0.088, 0.088, 0.092, 0.09, 0.094, 0.093, 0.085, 0.079, 0.07, 0.077],
};

const ATLANTIC: readonly Province[] = [
  'A Coruña', 'Lugo', 'Ourense', 'Pontevedra', 'Asturias', 'Cantabria', 'Bizkaia', 'Gipuzkoa', 'Araba/Álava', 'Navarra',
];

export function climateOf(province: Province): SolarClimate {
  if (province === 'Las Palmas' || province === 'Santa Cruz de Tenerife') return 'canary';
  return ATLANTIC.includes(province) ? 'atlantic' : 'continental_mediterranean';
}
