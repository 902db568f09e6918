import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import type { Request, Response } from 'express';
import { DEFAULT_LANGUAGE, isLanguage } from '../i18n';
import { formatter } from './format';
import { nameErrorSummaryLinks } from './error-summary';
import { fillFormInPage } from './form-fill';
import type { ReplayFields } from '../data/form-replays-repo';
import type { KeepRendered } from './middleware/anonymous-pages';

const viewsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../views');

/**
 * Templates are compiled once. In production (`cache`) they are kept for the life of the
 * process; in development an edited file is read and compiled again on its next use (each
 * file's modification time is looked at most every half second), so compiling every template
 * on every request no longer costs development pages most of their time.
 */
export function createViewEngine(cache: boolean): Eta {
  const eta = new Eta({ views: viewsDir, cache: true, autoTrim: [false, 'nl'] });
  keepResolvedPaths(eta);
  if (!cache) recompileEdited(eta);
  return eta;
}

/**
 * Eta resolves a template's file path on every render and include (a JSON key, path.join and
 * path.relative each time: a few per cent of a page's CPU). The views folder never moves, so
 * each name, from each including file, resolves once.
 */
function keepResolvedPaths(eta: Eta): void {
  const resolve = eta.resolvePath!.bind(eta);
  const resolved = new Map<string, string>();
  eta.resolvePath = ((template: string, options?: { filepath?: string }) => {
    const key = `${options?.filepath ?? ''}\0${template}`;
    let file = resolved.get(key);
    if (file === undefined) {
      file = resolve(template, options);
      resolved.set(key, file);
    }
    return file;
  }) as typeof eta.resolvePath;
}

const RECHECK_MS = 500;

function recompileEdited(eta: Eta): void {
  const store = eta.templatesSync;
  const get = store.get.bind(store);
  const seen = new Map<string, { mtimeMs: number; checkedAt: number }>();
  const mtimeOf = (file: string) => {
    try {
      return fs.statSync(file).mtimeMs;
    } catch {
      return -1;
    }
  };
  store.get = ((key: string) => {
    const fn = get(key);
    if (!fn || !path.isAbsolute(key)) return fn;
    const now = Date.now();
    const s = seen.get(key);
    if (!s) {
      seen.set(key, { mtimeMs: mtimeOf(key), checkedAt: now });
      return fn;
    }
    if (now - s.checkedAt < RECHECK_MS) return fn;
    s.checkedAt = now;
    const mtimeMs = mtimeOf(key);
    if (mtimeMs === s.mtimeMs) return fn;
    seen.delete(key);
    store.remove(key);
    return undefined;
  }) as typeof store.get;
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
  let html = errors && Object.keys(errors).length ? nameErrorSummaryLinks(rendered) : rendered;
  // a form sent after the session expired, back with what was typed (web/middleware/form-replay)
  const replay = res.locals.formReplay as { action: string; fields: ReplayFields } | undefined;
  if (replay) html = fillFormInPage(html, replay.action, replay.fields);
  const keep = res.locals.keepRendered as KeepRendered | undefined;
  if (keep && !replay && template === view) keep(html, opts.status ?? 200, req.preSessionToken?.get());
  res.status(opts.status ?? 200).type('html').send(html);
}
