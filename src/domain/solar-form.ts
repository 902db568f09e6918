import { LIMITS, ORIENTATIONS, type Orientation } from './solar';
import { BATTERY_OPTIONS } from './solar-offer';

/** What the simulator's form sends, as typed. */
export interface SolarFormInput {
  orientation: string;
  tilt: string;
  sizing: string;
  panels: string;
  roofM2: string;
  battery: string;
}

export interface SolarFormValues {
  orientation: Orientation;
  tiltDeg: number;
  /** 'recommended', a number of panels, or a usable roof area. */
  sizing: 'recommended' | 'panels' | 'roof';
  panels: number;
  roofM2: number;
  batteryKwh: number;
}

export type SolarFormField = 'orientation' | 'tilt' | 'panels' | 'roofM2' | 'battery';
export type SolarFormError = { field: SolarFormField; code: 'required' | 'invalid' | 'range' };

export const EMPTY_SOLAR_FORM: SolarFormInput = {
  orientation: 'S', tilt: '30', sizing: 'recommended', panels: '', roofM2: '', battery: '0',
};

function wholeNumber(raw: string): number | null {
  const s = raw.trim();
  return /^\d{1,5}$/.test(s) ? Number(s) : null;
}

/** Checks the form; every error names its field, so the page can say it next to it. */
export function validateSolarForm(
  f: SolarFormInput,
): { ok: true; value: SolarFormValues } | { ok: false; errors: SolarFormError[] } {
  const errors: SolarFormError[] = [];
  const orientation = (ORIENTATIONS as readonly string[]).includes(f.orientation)
    ? (f.orientation as Orientation)
    : null;
  if (!orientation) errors.push({ field: 'orientation', code: f.orientation ? 'invalid' : 'required' });
  const tilt = wholeNumber(f.tilt);
  if (f.tilt.trim() === '') errors.push({ field: 'tilt', code: 'required' });
  else if (tilt === null) errors.push({ field: 'tilt', code: 'invalid' });
  else if (tilt > LIMITS.tiltMax) errors.push({ field: 'tilt', code: 'range' });
  const sizing = f.sizing === 'panels' || f.sizing === 'roof' ? f.sizing : 'recommended';
  let panels = 0;
  let roofM2 = 0;
  if (sizing === 'panels') {
    const n = wholeNumber(f.panels);
    if (f.panels.trim() === '') errors.push({ field: 'panels', code: 'required' });
    else if (n === null) errors.push({ field: 'panels', code: 'invalid' });
    else if (n < 1 || n > LIMITS.panelsMax) errors.push({ field: 'panels', code: 'range' });
    else panels = n;
  }
  if (sizing === 'roof') {
    const n = wholeNumber(f.roofM2);
    if (f.roofM2.trim() === '') errors.push({ field: 'roofM2', code: 'required' });
    else if (n === null) errors.push({ field: 'roofM2', code: 'invalid' });
    else if (n < 2 || n > LIMITS.roofMaxM2) errors.push({ field: 'roofM2', code: 'range' });
    else roofM2 = n;
  }
  const battery = wholeNumber(f.battery);
  if (battery === null || !(BATTERY_OPTIONS as readonly number[]).includes(battery)) {
    errors.push({ field: 'battery', code: 'invalid' });
  }
  if (errors.length || !orientation || tilt === null || battery === null) return { ok: false, errors };
  return { ok: true, value: { orientation, tiltDeg: tilt, sizing, panels, roofM2, batteryKwh: battery } };
}
