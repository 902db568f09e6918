import type { Knex } from 'knex';
import { powersOn, upcomingPowers } from '../domain/power-periods';
import { powerSchedule } from '../data/power-periods-repo';

/** Powers in kW; days as 'YYYY-MM-DD' (the view formats them). */
export interface ContractPowersView {
  p1: number;
  p2: number;
  /** The day of the change that set them, or null when they never changed here. */
  since: string | null;
  upcoming: { date: string; p1: number; p2: number }[];
}

/** The contract page's powers: those in force today, since when, and changes agreed for later days. */
export async function contractPowers(
  db: Knex, c: { id: number; power_p1_kw: number | null; power_p2_kw: number | null }, today: string,
): Promise<ContractPowersView | null> {
  if (c.power_p1_kw === null || c.power_p2_kw === null) return null;
  const schedule = await powerSchedule(db, c.id);
  const now = powersOn(today, schedule, { P1: Number(c.power_p1_kw), P2: Number(c.power_p2_kw) });
  // the first entry is the powers the contract started with: no "since" for it
  const changed = now.since !== null && schedule.some((p) => p.validFrom < now.since!);
  return {
    p1: now.P1, p2: now.P2, since: changed ? now.since : null,
    upcoming: upcomingPowers(today, schedule).map((p) => ({ date: p.validFrom, p1: p.P1, p2: p.P2 })),
  };
}
