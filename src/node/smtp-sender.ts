import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import type { ProviderConfig } from '../config/schema.js';
import type { Resolver } from '../dns/types.js';
import { resolveHost } from '../dns/address.js';
import { smtpOptions } from './mail-connections.js';
import type { ProviderSender } from '../placement/mail-io.js';
import { composeMessage, queueIdFrom, TEST_HEADER } from '../placement/message.js';

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

/** What went wrong, in words an operator can act on; the provider's own answer when it gave one. */
export function describeSendError(error: SmtpError): string {
  if (error.responseCode !== undefined && error.response) return `${error.command ? `${error.command}: ` : ''}${error.response}`;
  return `${error.code ? `${error.code}: ` : ''}${error.message}`;
}

/**
 * Sends seed messages through one provider the way production mail goes out: one recipient per
 * message, our own Message-ID, STARTTLS or TLS as configured, AUTH, and DKIM when the provider signs.
 * The 250 time is taken when the provider answers the end of DATA.
 */
export async function createProviderSender(provider: ProviderConfig, resolver: Resolver, now: () => number = Date.now): Promise<ProviderSender> {
  const { smtp } = provider;
  const address = await resolveHost(resolver, smtp.host);
  const dkim = provider.dkim
    ? { domainName: provider.dkim.domain, keySelector: provider.dkim.selector, privateKey: readFileSync(provider.dkim.privateKeyFile, 'utf8') }
    : undefined;
  const transport = nodemailer.createTransport({ ...smtpOptions(smtp, address), pool: true, maxConnections: 2, dkim });
  return {
    async send(message) {
      const body = composeMessage(message.token, provider.name);
      try {
        const info = await transport.sendMail({
          from: provider.from,
          to: message.to,
          subject: body.subject,
          text: body.text,
          html: body.html,
          messageId: message.messageId,
          headers: { [TEST_HEADER]: message.token },
        });
        const response = String(info.response ?? '');
        return { ok: true, at: now(), response, queueId: queueIdFrom(response) ?? null };
      } catch (error) {
        const e = error as SmtpError;
        return { ok: false, error: describeSendError(e), response: e.response ?? null };
      }
    },
    close() {
      transport.close();
    },
  };
}
