import { isIP } from 'node:net';
import type { ImapFlowOptions } from 'imapflow';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { ProviderConfig, SeedConfig } from '../config/schema.js';

type SmtpAccount = ProviderConfig['smtp'];
type ImapAccount = SeedConfig['imap'];

/** The certificate name to check: the configured one, else the host name (an IP literal has none). */
function servername(host: string, configured: string | undefined): string | undefined {
  return configured ?? (isIP(host) === 0 ? host : undefined);
}

/**
 * How every SMTP connection inboxwatch opens is set up (seed sends, alert emails): to the address our
 * resolver gave for the host, TLS checked against the host's name, AUTH when configured, bounded waits.
 */
export function smtpOptions(smtp: SmtpAccount, address: string): SMTPTransport.Options {
  return {
    host: address,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTLS,
    auth: smtp.user !== undefined ? { user: smtp.user, pass: smtp.pass } : undefined,
    tls: { rejectUnauthorized: smtp.tls?.rejectUnauthorized ?? true, servername: servername(smtp.host, smtp.tls?.servername) },
    connectionTimeout: 20_000,
    greetingTimeout: 20_000,
    socketTimeout: 60_000,
  };
}

/** Sent as IMAP ID (RFC 2971) before and after login: NetEase refuses SELECT to clients that do not identify themselves. */
const CLIENT_INFO = { name: 'inboxwatch', vendor: 'inboxwatch' };

/**
 * How every IMAP connection inboxwatch opens is set up (seed mailboxes, the report mailbox): to the
 * address our resolver gave, TLS checked against the host's name, no automatic IDLE, bounded waits.
 */
export function imapOptions(imap: ImapAccount, address: string, auth: ImapFlowOptions['auth']): ImapFlowOptions {
  return {
    host: address,
    port: imap.port,
    secure: imap.secure,
    servername: servername(imap.host, imap.tls?.servername),
    tls: { rejectUnauthorized: imap.tls?.rejectUnauthorized ?? true },
    auth,
    logger: false,
    disableAutoIdle: true,
    clientInfo: CLIENT_INFO,
    connectionTimeout: 20_000,
    greetingTimeout: 20_000,
  };
}
