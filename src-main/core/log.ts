// Minimal leveled logger for the core. Never pass secrets (keys, tokens, secret contents) to it.
type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const threshold = order[(process.env.FLOTILLA_LOG as Level | undefined) ?? 'warn'] ?? order.warn;

function emit(level: Level, msg: string): void {
  if (order[level] < threshold) return;
  process.stderr.write(`[flotilla ${level}] ${msg}\n`);
}

export const log = {
  debug: (m: string) => emit('debug', m),
  info: (m: string) => emit('info', m),
  warn: (m: string) => emit('warn', m),
  error: (m: string) => emit('error', m),
};
