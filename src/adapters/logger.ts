import { pino, type Logger } from 'pino';

export interface LoggerOptions {
  /**
   * The server's log is written to stdout asynchronously: lines written while a write is
   * under way go out together in the next one, instead of one blocking write per request
   * line (about a tenth of a logged-in page's CPU under load, measured with bench:http).
   * What is still buffered is written synchronously when the process exits; only a SIGKILL
   * can lose the last lines. Tests and CLIs keep synchronous writes.
   */
  async?: boolean;
}

export function createLogger(level: string, o: LoggerOptions = {}): Logger {
  const options = {
    level,
    // defence in depth: these never belong in a log line even if a call site slips
    redact: {
      paths: ['password', '*.password', 'req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
      censor: '[redacted]',
    },
  };
  return o.async ? pino(options, pino.destination({ dest: 1, sync: false })) : pino(options);
}
