import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../deps';
import { TrustStore, certificateFromHeader, type CertificateCheck } from '../adapters/client-cert';
import {
  changeCertificateLogin, issueCertificateTicket, recordRefusedCertificate, redeemCertificateTicket,
  registerWithCertificate,
  isLoginState, newLoginState, type CertificateProof, type CertLoginContext,
} from '../services/certificate-login';
import { customersForProvenNif } from '../data/certificate-login-repo';
import { generateCsrfToken } from '../web/middleware/csrf';
import { requireUser, startUserSession } from '../web/current-user';
import { presentedCertificate, viaCertListener } from '../web/cert-login-server';
import { render } from '../web/render';
import { clientIp, formFields } from '../web/forms';
import { FieldErrors, validEmail } from '../web/validation';
import { isLanguage } from '../i18n';

declare module 'express-session' {
  interface SessionData {
    /** A NIF proven by a certificate, waiting for the registration form. */
    certProof?: CertificateProof;
    /** Set when this browser starts a certificate login; the ticket must carry it back. */
    certState?: string;
  }
}

const PREFIX = '/acceso/certificado';

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}

/**
 * express-session sends a redirect's headers before its store write finishes, and a browser
 * following the redirect at once would arrive before its session exists: save first.
 */
function saved(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
}

function madrid(d: Date, lang: string): string {
  return d.toLocaleDateString(
    lang === 'ca' ? 'ca-ES' : 'es-ES', { timeZone: 'Europe/Madrid', day: 'numeric', month: 'long', year: 'numeric' },
  );
}

export function certificateLoginRoutes(deps: AppDeps): Router {
  const router = Router();
  const { config, db, clock } = deps;
  const cl = config.certLogin;
  let trust = deps.certTrust;

  function trustStore(): TrustStore | null {
    if (trust) return trust;
    if (!cl.caPath) return null;
    try {
      trust = new TrustStore({
        caPath: cl.caPath, crlPath: cl.crlPath, reloadMinutes: cl.crlReloadMinutes, ocspUrl: cl.ocspUrl,
        logger: deps.logger,
      }).start();
    } catch (err) {
      deps.logger.error({ err: (err as Error).message }, 'certificate login: the CAs cannot be loaded');
      return null;
    }
    return trust;
  }

  const ctx = (req: Request): CertLoginContext => (
    { db: db.knex, now: clock.now(), config, secret: deps.sessionSecret, ip: clientIp(req) }
  );
  const portal = (path: string) => `${config.publicUrl}${path}`;

  /** The header is believed only from the configured proxies, judged on the connection itself. */
  function fromTrustedProxy(req: Request): boolean {
    if (!cl.header) return false;
    const trusted = req.app.get('trust proxy fn') as (addr: string, i: number) => boolean;
    return trusted(req.socket.remoteAddress ?? '', 0);
  }

  function refusedPage(req: Request, res: Response, reason: string, check: CertificateCheck | null, status: number) {
    const s = check?.summary;
    const lang = res.locals.lang as string;
    render(req, res, 'cert-login/refused', {
      title: res.locals.t(`certLogin.refused.${reason}.title`),
      reason,
      certificate: s ? {
        subject: s.subjectName, issuer: s.issuerName, serial: s.serial, notAfter: madrid(s.notAfter, lang),
        revokedAt: s.revokedAt ? madrid(s.revokedAt, lang) : null,
      } : null,
      portalUrl: portal('/'),
      helpUrl: portal(PREFIX),
    }, { status });
  }

  router.get(PREFIX, (req, res) => {
    render(req, res, 'cert-login/help', { title: res.locals.t('certLogin.help.title'), entryUrl: cl.entryUrl });
  });

  // The login button: this browser's session gets the state the ticket must bring back.
  router.get(`${PREFIX}/iniciar`, async (req, res) => {
    if (!cl.entryUrl) return res.redirect(303, PREFIX);
    const state = newLoginState();
    req.session.certState = state;
    const url = new URL(cl.entryUrl);
    url.searchParams.set('estado', state);
    await saved(req);
    res.redirect(303, url.toString());
  });

  // The address the login button leads to: the listener's handshake (or the proxy's) asked for the certificate.
  router.get(`${PREFIX}/entrar`, async (req, res) => {
    let presented: { leaf: Buffer | null; chain: Buffer[] };
    if (viaCertListener(req)) {
      presented = presentedCertificate(req);
    } else if (cl.header) {
      presented = { leaf: fromTrustedProxy(req) ? certificateFromHeader(req.get(cl.header)) : null, chain: [] };
    } else {
      return render(
        req, res, 'cert-login/help', { title: res.locals.t('certLogin.help.title'), entryUrl: cl.entryUrl },
        { status: 404 },
      );
    }
    const { leaf, chain } = presented;
    // Reached without starting from the portal (a bookmark, the listener's bare address): start there.
    const state = req.query.estado;
    if (!isLoginState(state)) return res.redirect(303, portal(`${PREFIX}/iniciar`));
    const store = trustStore();
    if (!store) return refusedPage(req, res, 'unavailable', null, 503);
    const c = ctx(req);
    const check = await store.verify(leaf, chain, c.now);
    if (check.verdict === 'none') return res.redirect(303, portal(`${PREFIX}/sin-certificado`));
    if (check.verdict !== 'ok' || !check.identity || !check.summary) {
      await recordRefusedCertificate(c, { verdict: check.verdict, summary: check.summary });
      return refusedPage(req, res, check.verdict, check, check.verdict === 'unavailable' ? 503 : 403);
    }
    const ticket = await issueCertificateTicket(c, { identity: check.identity, summary: check.summary, state });
    res.set('Cache-Control', 'no-store');
    res.redirect(303, portal(`${PREFIX}/ticket?t=${encodeURIComponent(ticket)}`));
  });

  // "No certificate": the login page with the reason.
  router.get(`${PREFIX}/sin-certificado`, async (req, res) => {
    req.session.flash = { kind: 'warning', key: 'certLogin.noCertificate' };
    await saved(req);
    res.redirect(303, '/');
  });

  router.get(`${PREFIX}/ticket`, async (req, res) => {
    const state = req.session.certState;
    delete req.session.certState;
    const result = await redeemCertificateTicket(
      ctx(req), { ticket: req.query.t, state, userAgent: req.get('user-agent') ?? null },
    );
    if (result.kind === 'invalid') return refusedPage(req, res, 'ticket', null, 410);
    if (result.kind === 'no_customer') return refusedPage(req, res, 'no_customer', null, 403);
    if (result.kind === 'refused') return refusedPage(req, res, result.reason, null, 403);
    if (result.kind === 'register') {
      await regenerate(req);
      req.session.certProof = result.proof;
      generateCsrfToken(req, true);
      await saved(req);
      return res.redirect(303, `${PREFIX}/alta`);
    }
    const next = await startUserSession(req, res, result.user, { now: clock.now(), config });
    await saved(req);
    res.redirect(303, next);
  });

  async function registrationPage(
    req: Request, res: Response, proof: CertificateProof, form: { email?: string }, errors: Record<string, string>,
    status = 200,
  ) {
    const customers = await customersForProvenNif(db.knex, proof.personId);
    render(
      req, res, 'cert-login/register',
      { title: res.locals.t('certLogin.register.title'), proof, customers, form, errors }, { status },
    );
  }

  function liveProof(req: Request): CertificateProof | null {
    const p = req.session.certProof;
    return p && p.expiresAt >= clock.now().getTime() ? p : null;
  }

  router.get(`${PREFIX}/alta`, async (req, res) => {
    const proof = liveProof(req);
    if (!proof) return refusedPage(req, res, 'proof_expired', null, 410);
    await registrationPage(req, res, proof, {}, {});
  });

  router.post(`${PREFIX}/alta`, async (req, res) => {
    const proof = liveProof(req);
    if (!proof) return refusedPage(req, res, 'proof_expired', null, 410);
    const form = formFields(req, ['email'] as const);
    const email = form.email.trim();
    const e = new FieldErrors(res.locals.t);
    if (e.requireValue('email', email) && !validEmail(email)) e.add('email', 'register.errors.email');
    if (e.any) return registrationPage(req, res, proof, { email }, e.errors, 422);
    const lang = isLanguage(res.locals.lang) ? res.locals.lang : 'es';
    const result = await registerWithCertificate(ctx(req), { proof, email, language: lang });
    delete req.session.certProof;
    deps.mailer?.kick();
    if (result.kind === 'expired') return refusedPage(req, res, 'proof_expired', null, 410);
    if (result.kind === 'no_customer') return refusedPage(req, res, 'no_customer', null, 403);
    // the same page whether or not someone registered this NIF in the meantime
    res.redirect(303, `${PREFIX}/alta/enviada`);
  });

  router.get(`${PREFIX}/alta/enviada`, (req, res) => {
    render(req, res, 'cert-login/register-sent', { title: res.locals.t('certLogin.register.sent.title') });
  });

  router.post('/ajustes/certificado', requireUser, async (req, res) => {
    const { enabled } = formFields(req, ['enabled'] as const);
    if (enabled !== 'si' && enabled !== 'no') {
      req.session.flash = { kind: 'warning', key: 'certLogin.settings.invalid' };
      return res.redirect(303, '/ajustes');
    }
    await changeCertificateLogin(ctx(req), { userId: req.user!.id, enabled: enabled === 'si' });
    req.session.flash = {
      kind: 'success', key: enabled === 'si' ? 'certLogin.settings.turnedOn' : 'certLogin.settings.turnedOff',
    };
    res.redirect(303, '/ajustes');
  });

  return router;
}
