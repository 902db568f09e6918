import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import type { Request, Response } from 'express';
import { DEFAULT_LANGUAGE, isLanguage } from '../i18n';
import { formatter } from './format';
import { nameErrorSummaryLinks } from './error-summary';
import { fillFormInPage } from './form-fill';
import { enhanceTables } from './tables';
import type { ReplayFields } from '../data/form-replays-repo';

const viewsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../views');

export function createViewEngine(cache: boolean): Eta {
  return new Eta({ views: viewsDir, cache, autoTrim: [false, 'nl'] });
}

export interface RenderOptions {
  status?: number;
  /** Render only this partial when htmx asks for a fragment (HX-Request without HX-Boosted). */
  fragment?: string;
}

/** An htmx partial swap, not a boosted navigation (which wants the whole page). */
export function isFragmentRequest(req: Request): boolean {
  // htmx restores history (Back/Forward with no cached copy) by asking for the whole page
  if (req.get('HX-History-Restore-Request') === 'true') return false;
  return req.get('HX-Request') === 'true' && req.get('HX-Boosted') !== 'true';
}

/**
 * Renders a page inside the layout, or only its fragment for htmx partial swaps;
 * both come from the same partial, so the page works identically without JavaScript.
 */
export function render(
  req: Request, res: Response, view: string, data: Record<string, unknown> = {}, opts: RenderOptions = {},
): void {
  const eta = req.app.locals.eta as Eta;
  const lang = isLanguage(res.locals.lang) ? res.locals.lang : DEFAULT_LANGUAGE;
  // the formatter follows the language the page is rendered in, even after a switch
  const it: Record<string, unknown> = { ...res.locals, fmt: formatter(lang), ...data };
  res.vary('HX-Request');
  if (opts.fragment) res.vary('HX-History-Restore-Request');
  const template = opts.fragment && isFragmentRequest(req) ? opts.fragment : view;
  const rendered = eta.render(template, it);
  const errors = it.errors as Record<string, unknown> | undefined;
  let html = enhanceTables(errors && Object.keys(errors).length ? nameErrorSummaryLinks(rendered) : rendered);
  // a form sent after the session expired, back with what was typed (web/middleware/form-replay)
  const replay = res.locals.formReplay as { action: string; fields: ReplayFields } | undefined;
  if (replay) html = fillFormInPage(html, replay.action, replay.fields);
  res.status(opts.status ?? 200).type('html').send(html);
}
