/**
 * The built-in HTTPS listener for certificate login: its TLS handshake asks the browser for a
 * client certificate (DNIe, FNMT…), accepting the handshake whatever is presented so that the
 * app can explain a refusal with a page instead of a browser error. It serves the same app,
 * but only the certificate entry and the static files: everything else goes to the portal.
 */
import fs from 'node:fs';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Express, Request } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { CERT_ENTRY_PATH } from '../config-cert-login';
import { pemBlocks } from '../adapters/x509-parse';

const certSockets = new WeakSet<object>();

/** Whether the request came through the certificate listener's handshake. */
export function viaCertListener(req: Request): boolean {
  return certSockets.has(req.socket);
}

/** The certificate and the chain the client presented on this connection (DER). */
export function presentedCertificate(req: Request): { leaf: Buffer | null; chain: Buffer[] } {
  const socket = req.socket as TLSSocket;
  const peer = socket.getPeerCertificate(true);
  if (!peer || !peer.raw) return { leaf: null, chain: [] };
  const chain: Buffer[] = [];
  let next = peer.issuerCertificate;
  // a self-signed certificate is its own issuer
  while (
    next && next.raw && !next.raw.equals(peer.raw) && !chain.some((c) => c.equals(next!.raw)) && chain.length < 6
  ) {
    chain.push(next.raw);
    next = next.issuerCertificate;
  }
  return { leaf: peer.raw, chain };
}

export interface CertListenerOptions {
  key: Buffer | string;
  cert: Buffer | string;
  /** PEMs of the accepted CAs: the browser offers only certificates they issued. */
  ca: string[];
  publicUrl: string;
}

export function createCertLoginServer(app: Express, o: CertListenerOptions): https.Server {
  const server = https.createServer({
    key: o.key, cert: o.cert, ca: o.ca, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2',
  }, (req, res) => {
    const url = req.url ?? '/';
    const pathname = url.split('?')[0] ?? '/';
    if (pathname === CERT_ENTRY_PATH || pathname.startsWith('/static/')) return app(req, res);
    // The bare address of the listener starts the login too; anything else belongs to the portal.
    if (pathname === '/') {
      res.writeHead(303, { location: `${o.publicUrl}${CERT_ENTRY_PATH.replace(/entrar$/, 'iniciar')}` }).end();
      return;
    }
    res.writeHead(303, { location: `${o.publicUrl}${url}` }).end();
  });
  server.on('secureConnection', (s: TLSSocket) => certSockets.add(s));
  return server;
}

function listenerOptions(config: Config): CertListenerOptions {
  const c = config.certLogin;
  const read = (file: string | undefined, name: string): Buffer => {
    if (!file) throw new Error(`${name} is not set`);
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw new Error(
        `${name} (${file}) cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err },
      );
    }
  };
  const caPems = pemBlocks(read(c.caPath, 'CERT_LOGIN_CA'), 'CERTIFICATE')
    .map((der) => `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`);
  return { key: read(c.tlsKey, 'TLS_KEY'), cert: read(c.tlsCert, 'TLS_CERT'), ca: caPems, publicUrl: config.publicUrl };
}

export interface CertListener {
  port: number;
  close(): Promise<void>;
}

/**
 * Starts the listener when CERT_LOGIN_PORT is set (or development defaults apply). In
 * development a port already in use only costs the certificate login, with a warning.
 */
export async function startCertLogin(app: Express, config: Config, logger: Logger): Promise<CertListener | null> {
  const port = config.certLogin.port;
  if (port === null) return null;
  const server = createCertLoginServer(app, listenerOptions(config));
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, config.host, () => resolve());
    });
  } catch (err) {
    if (!config.certLogin.devCertificates) throw err;
    logger.warn({ port, err: (err as Error).message }, 'certificate login listener not started');
    return null;
  }
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    }),
  };
}
