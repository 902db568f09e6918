import { Router } from 'express';
import type { AppDeps } from '../deps';
import { render } from '../web/render';
import { QUERY_MAX } from '../domain/help';
import { helpPage, signingCertificate } from '../services/help';

/** The help centre and the public certificate that signs the invoices: public pages. */
export function helpRoutes(deps: Pick<AppDeps, 'signer'>): Router {
  const router = Router();
  const certificate = signingCertificate(deps.signer);

  router.get('/ayuda', (req, res) => {
    const raw = typeof req.query.q === 'string' ? req.query.q.slice(0, QUERY_MAX) : '';
    const page = helpPage(res.locals.t, raw.replace(/\p{Cc}/gu, ' '));
    const title = page.query ? `${res.locals.t('help.search.label')}: ${page.query}` : res.locals.t('help.title');
    render(req, res, 'help/index', { ...page, title }, { fragment: 'help/_results' });
  });

  router.get('/ayuda/certificado-firma', (req, res) => {
    render(req, res, 'help/certificate', { certificate, title: res.locals.t('help.certificate.title') });
  });

  router.get('/ayuda/certificado-firma.pem', (_req, res) => {
    res.set('Content-Disposition', 'attachment; filename="certificado-firma-facturas.pem"');
    res.type('application/x-pem-file').send(certificate.pem);
  });

  router.get('/ayuda/certificado-firma.cer', (_req, res) => {
    res.set('Content-Disposition', 'attachment; filename="certificado-firma-facturas.cer"');
    res.type('application/pkix-cert').send(certificate.der);
  });
  return router;
}
