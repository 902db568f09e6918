import path from 'node:path';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { Config } from './config';
import { CERT_ENTRY_PATH } from './config-cert-login';
import { startCertLogin, type CertListener } from './web/cert-login-server';
import { DEMO_P12_PASSWORD, ensureDemoCertificates } from './demo/cert-login';

export interface CertLoginStarted {
  listener: CertListener | null;
  /** Lines for the start-up banner. */
  banner: string[];
  close(): Promise<void>;
}

/**
 * Certificate login at start-up: in development the CA and the demo certificates are made
 * first (the listener trusts that CA), then the HTTPS listener starts when configured.
 */
export async function startCertificateLogin(
  app: Express, config: Config, logger: Logger, now: Date,
): Promise<CertLoginStarted> {
  const c = config.certLogin;
  const demo = c.devCertificates ? ensureDemoCertificates(path.dirname(c.caPath!), now) : null;
  const listener = await startCertLogin(app, config, logger);
  const banner: string[] = [];
  if (listener) {
    banner.push('', `  Acceso con DNIe o certificado: https://localhost:${listener.port}${CERT_ENTRY_PATH}`);
  }
  else if (c.header) banner.push(
    '', `  Acceso con certificado a través del proxy: ${c.entryUrl ?? ''} (cabecera ${c.header})`,
  );
  if (demo && listener) {
    const rel = (f: string) => {
      const r = path.relative(process.cwd(), f);
      return r && !r.startsWith('..') ? r : f;
    };
    banner.push(
      `    CA de desarrollo: ${rel(demo.caFile)}`
        + ' (impórtala como autoridad de confianza, o acepta el aviso del navegador)',
      `    Certificados de prueba (.p12, contraseña "${DEMO_P12_PASSWORD}") para importar en el navegador:`,
      ...demo.clients.map((x) => `      ${rel(x.p12).padEnd(44)} ${x.who}`),
      '    Chrome/Edge: Configuración → Privacidad y seguridad → Seguridad → Gestionar certificados → Importar.',
      '    Firefox: Ajustes → Privacidad y seguridad → Certificados → Ver certificados → Sus certificados → Importar.',
      `    Con curl: curl -L -c /tmp/jar -b /tmp/jar --cacert ${rel(demo.caFile)} --cert ${rel(demo.clients[0]!.pem)} --key ${rel(demo.clients[0]!.key)} https://127.0.0.1:${listener.port}${CERT_ENTRY_PATH}`,
    );
  }
  return { listener, banner, close: async () => listener?.close() };
}
