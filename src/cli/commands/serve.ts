import type { Command } from 'commander';
import type { CliIO } from '../context.ts';

export interface ServeOptions {
  host: string;
  port: string;
  db?: string;
  allowedHost?: string[];
  json?: boolean;
}

export function serveCommand(program: Command, io: CliIO): void {
  program
    .command('serve')
    .description('serve the JSON API and the dashboard (Ctrl-C stops it)')
    .option('--host <host>', 'the address to listen on; beyond loopback it needs PAYBACK_TOKEN', '127.0.0.1')
    .option('--port <port>', 'the port (0 picks a free one)', '8080')
    .option(
      '--allowed-host <name>',
      'a host name the server is reached by (repeatable; also PAYBACK_ALLOWED_HOSTS, comma-separated); loopback and IP addresses always are',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--db <path>', 'the store: a SQLite file or a postgres:// URL (default PAYBACK_DB, DATABASE_URL, or .payback/payback.db)')
    .option('--json', 'once listening, print one JSON line { url, store, writes, dashboard, openapi } instead of the text')
    .action(async (opts: ServeOptions) => (await import('../actions/serve.ts')).serve(opts, io));
}
