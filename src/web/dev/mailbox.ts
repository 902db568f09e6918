import { Router } from 'express';
import type { AppDeps } from '../../deps';
import { findOutbox, listOutbox } from '../../data/outbox-repo';
import { DomainError } from '../../domain/errors';
import { render } from '../render';

const URL_RE = /https?:\/\/[^\s<>"']+/g;

/** Splits a plain-text body into text and link parts, so the template escapes text and links URLs. */
export function linkify(text: string): { text?: string; href?: string }[] {
  const parts: { text?: string; href?: string }[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    if (m.index! > last) parts.push({ text: text.slice(last, m.index) });
    parts.push({ href: m[0] });
    last = m.index! + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

/**
 * The development mailbox: what the outbox sent (or would send), so a local user can follow
 * activation and reset links without an SMTP server. Only mounted when no SMTP is configured
 * and never in production (see app.ts).
 */
export function devMailboxRoutes(d: AppDeps): Router {
  const router = Router();
  const db = d.db.knex;
  router.get('/dev/buzon', async (req, res) => {
    const to = typeof req.query.para === 'string' ? req.query.para.trim().toLowerCase() : '';
    const messages = await listOutbox(db, { limit: 100, offset: 0, ...(to ? { to } : {}) });
    render(req, res, 'dev/mailbox', { title: res.locals.t('devMailbox.title'), messages, to });
  });
  router.get('/dev/buzon/:id', async (req, res) => {
    const id = Number(req.params.id);
    const m = Number.isSafeInteger(id) ? await findOutbox(db, id) : undefined;
    if (!m) throw new DomainError('not_found');
    render(req, res, 'dev/message', { title: m.subject, m, parts: linkify(m.text_body) });
  });
  router.get('/dev/buzon/:id/html', async (req, res) => {
    const id = Number(req.params.id);
    const m = Number.isSafeInteger(id) ? await findOutbox(db, id) : undefined;
    if (!m) throw new DomainError('not_found');
    const policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";
    res.set('Content-Security-Policy', policy).type('html').send(m.html_body);
  });
  return router;
}
