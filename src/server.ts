import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { loadConfig, ConfigError } from './config';
import { StartupError } from './data/startup-error';
import { boot } from './boot';
import { systemClock } from './adapters/clock';
import { createLogger } from './adapters/logger';
import { DEMO_ACCOUNTS } from './demo/accounts';
import { startCertificateLogin } from './cert-login-start';

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const booted = await boot(config, systemClock, logger, { mailWorker: true });
  const server: Server = booted.app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const certLogin = await startCertificateLogin(booted.app, config, logger, systemClock.now());
  const ms = Number(process.hrtime.bigint() - started) / 1e6;

  const lines = [
    '',
    `  Área Clientes escuchando en http://localhost:${port}`,
    `  Base de datos: ${booted.db.description}`,
    `  Arranque: ${Math.round(ms)} ms, ${booted.migrationsApplied} migraciones aplicadas${booted.demo?.created ? ', datos de demostración creados' : ''}`,
  ];
  if (config.demo && !config.production) {
    lines.push('', '  Cuentas de demostración:');
    for (const a of DEMO_ACCOUNTS) lines.push(`    ${a.login.padEnd(10)} ${a.password.padEnd(20)} ${a.who}`);
  }
  if (config.devMailbox) lines.push('', `  Buzón de desarrollo: http://localhost:${port}/dev/buzon`);
  lines.push(...certLogin.banner);
  console.log(lines.join('\n') + '\n');

  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n  ${signal}: cerrando…`);
    const force = setTimeout(() => process.exit(1), 10000);
    force.unref();
    server.close();
    server.closeIdleConnections();
    for (const s of sockets) s.end();
    await certLogin.close();
    await booted.close();
    console.log('  Cerrado correctamente.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof StartupError || err instanceof ConfigError) {
    console.error(`Error de arranque: ${err.message}`);
  } else if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`Error de arranque: el puerto ya está en uso (${(err as Error).message}). Usa PORT para elegir otro.`);
  } else {
    console.error('Error de arranque:', err);
  }
  process.exit(1);
});
