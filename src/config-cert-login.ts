import path from 'node:path';

/** Certificate login (DNIe, FNMT and other qualified certificates) settings. */
export interface CertLoginConfig {
  /** Built-in mode: the HTTPS port whose handshake asks for a client certificate; null = off. */
  port: number | null;
  tlsCert?: string;
  tlsKey?: string;
  /** PEM file or folder of the CAs whose certificates are accepted. */
  caPath?: string;
  /** CRL file or folder (PEM or DER), reloaded every `crlReloadMinutes`. */
  crlPath?: string;
  crlReloadMinutes: number;
  /** An OCSP responder asked about every certificate (no answer: the login is refused for now). */
  ocspUrl?: string;
  /** Reverse-proxy mode: the request header carrying the verified client certificate. */
  header?: string;
  /** Where the login page's certificate link leads (the listener's or the proxy's address). */
  entryUrl: string | null;
  /** Development: a CA and certificates for the demo users are created in DATA_DIR/cert-login. */
  devCertificates: boolean;
}

export const CERT_ENTRY_PATH = '/acceso/certificado/entrar';

export function loadCertLoginConfig(
  env: NodeJS.ProcessEnv, o: {
    production: boolean; dataDir: string; publicUrl: string; trustProxy: boolean | number | string,
  },
  fail: (message: string) => Error,
): CertLoginConfig {
  const devDir = path.join(o.dataDir, 'cert-login');
  const rawPort = env.CERT_LOGIN_PORT;
  const off = rawPort === '0' || rawPort === 'off';
  const explicitPort = rawPort && !off ? Number(rawPort) : null;
  if (explicitPort !== null && (!Number.isInteger(explicitPort) || explicitPort <= 0 || explicitPort > 65535)) {
    throw fail(`CERT_LOGIN_PORT must be a port number (got "${rawPort}")`);
  }
  const header = env.CERT_LOGIN_HEADER || undefined;
  // Development gets a working listener on 3443 with generated certificates, unless told otherwise.
  const dev = !o.production && !off && !header && !env.CERT_LOGIN_CA;
  const port = explicitPort ?? (dev ? 3443 : null);
  const config: CertLoginConfig = {
    port,
    tlsCert: env.TLS_CERT || (dev ? path.join(devDir, 'server.pem') : undefined),
    tlsKey: env.TLS_KEY || (dev ? path.join(devDir, 'server-key.pem') : undefined),
    caPath: env.CERT_LOGIN_CA || (dev ? path.join(devDir, 'ca.pem') : undefined),
    crlPath: env.CERT_LOGIN_CRL || (dev ? path.join(devDir, 'crl.pem') : undefined),
    crlReloadMinutes: env.CERT_LOGIN_CRL_RELOAD_MINUTES ? Number(env.CERT_LOGIN_CRL_RELOAD_MINUTES) : 15,
    ocspUrl: env.CERT_LOGIN_OCSP_URL || undefined,
    header,
    entryUrl: null,
    devCertificates: dev,
  };
  if (!Number.isFinite(config.crlReloadMinutes) || config.crlReloadMinutes < 0) {
    throw fail('CERT_LOGIN_CRL_RELOAD_MINUTES must be a number of minutes');
  }
  if ((port !== null || header) && !config.caPath) {
    throw fail('certificate login needs CERT_LOGIN_CA (PEM of the accepted CAs)');
  }
  if (port !== null && !dev && (!config.tlsCert || !config.tlsKey)) {
    throw fail('CERT_LOGIN_PORT needs TLS_CERT and TLS_KEY');
  }
  if (header && (typeof o.trustProxy !== 'string')) {
    // a hop count or "true" would trust the header from any client that connects directly
    throw fail('CERT_LOGIN_HEADER needs TRUST_PROXY to list the proxy addresses (e.g. "loopback" or "10.0.0.5")');
  }
  if (env.CERT_LOGIN_URL) config.entryUrl = env.CERT_LOGIN_URL;
  else if (header) throw fail(
    'CERT_LOGIN_HEADER needs CERT_LOGIN_URL (the proxy address that asks for the certificate)',
  );
  else if (port !== null) config.entryUrl = `https://${new URL(o.publicUrl).hostname}:${port}${CERT_ENTRY_PATH}`;
  return config;
}
