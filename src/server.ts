export {};

// Signals first: a Ctrl-C during the first start (creating the database, the demo data) must
// stop it cleanly, never leave it half done without saying so.
const abort = new AbortController();
let booting = true;
let shutdown: ((signal: string) => Promise<void>) | null = null;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (shutdown) void shutdown(signal);
    else if (booting) {
      if (abort.signal.aborted) process.exit(130);
      console.log(`\n  ${signal}: deteniendo el arranque… (otra vez para salir ya)`);
      abort.abort();
    }
  });
}

const { loadConfig, ConfigError } = await import('./config');
const { StartupError } = await import('./data/startup-error');
const { boot } = await import('./boot');
const { systemClock } = await import('./adapters/clock');
const { createLogger } = await import('./adapters/logger');
const { DEMO_ACCOUNTS } = await import('./demo/accounts');
const { DemoInterrupted } = await import('./demo/seed');
const { startCertificateLogin } = await import('./cert-login-start');
type Server = import('node:http').Server;
type Socket = import('node:net').Socket;

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  const config = loadConfig();
  const logger = createLogger(config.logLevel, { async: true });
  const booted = await boot(config, systemClock, logger, {
    mailWorker: true, role: 'portal', what: 'npm start', say: (line) => console.log(line), abort: abort.signal,
  });
  booting = false;
  if (abort.signal.aborted) {
    await booted.close();
    process.exit(130);
  }
  const server: Server = booted.app.listen(config.port, config.host);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (err) {
    await booted.close();
    throw err;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  booted.db.lock?.update({ httpPort: port });
  const certLogin = await startCertificateLogin(booted.app, config, logger, systemClock.now());
  const ms = Number(process.hrtime.bigint() - started) / 1e6;

  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const lines = [
    '',
    `  Área Clientes escuchando en http://${shown}:${port}`,
    `  Base de datos: ${booted.db.description}`,
    `  Arranque: ${Math.round(ms)} ms, ${booted.migrationsApplied} migraciones aplicadas`
      + (booted.demo?.created ? ', datos de demostración creados' : ''),
  ];
  if (config.demo && !config.production) {
    lines.push('', '  Cuentas de demostración:');
    for (const a of DEMO_ACCOUNTS) lines.push(`    ${a.login.padEnd(10)} ${a.password.padEnd(20)} ${a.who}`);
  }
  if (config.devMailbox) lines.push('', `  Buzón de desarrollo: http://${shown}:${port}/dev/buzon`);
  else if (!config.smtpUrl) lines.push(
    '', '  Correo: sin SMTP_URL los mensajes esperan en la cola (DEV_MAILBOX=1 para leerlos en /dev/buzon)',
  );
  lines.push(...certLogin.banner);
  console.log(lines.join('\n') + '\n');

  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  let stopping = false;
  shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n  ${signal}: cerrando…`);
    const force = setTimeout(() => process.exit(1), 40000);
    force.unref();
    server.close();
    server.closeIdleConnections();
    for (const s of sockets) s.end();
    await certLogin.close();
    await booted.close();
    console.log('  Cerrado correctamente.');
    process.exit(0);
  };
}

main().catch((err: unknown) => {
  if (
    err instanceof DemoInterrupted || (
      abort.signal.aborted && (err as { reason?: unknown }).reason instanceof DemoInterrupted
    )
  ) {
    console.error(`\n  Arranque interrumpido: ${(err as Error).message}`);
    process.exit(130);
  }
  if (err instanceof StartupError || err instanceof ConfigError) {
    console.error(`Error de arranque: ${err.message}`);
  } else if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(
      `Error de arranque: el puerto ya está en uso (${(err as Error).message}). Usa PORT para elegir otro.`,
    );
  } else {
    console.error('Error de arranque:', err);
  }
  process.exit(1);
});
