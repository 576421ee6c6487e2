import nodemailer from 'nodemailer';
import { renderEmail } from '../../alerts/render-notification.js';
import type { Notification, Notifier } from '../../alerts/types.js';
import type { AlertChannel } from '../../config/schema.js';
import { resolveHost } from '../../dns/address.js';
import type { Resolver } from '../../dns/types.js';
import { smtpOptions } from '../mail-connections.js';

type EmailChannel = Extract<AlertChannel, { type: 'email' }>;

/** Sends through the channel's SMTP account, HTML and plain text, one message to all its recipients. */
export function createEmailNotifier(channel: EmailChannel, resolver: Resolver): Notifier {
  const { smtp } = channel;
  return {
    async send(notification: Notification) {
      const message = renderEmail(notification);
      const transport = nodemailer.createTransport(smtpOptions(smtp, await resolveHost(resolver, smtp.host)));
      try {
        await transport.sendMail({ from: channel.from, to: channel.to, subject: message.subject, text: message.text, html: message.html });
      } catch (error) {
        const e = error as { response?: string; message: string };
        throw new Error(`SMTP ${smtp.host}:${smtp.port}: ${e.response ?? e.message}`);
      } finally {
        transport.close();
      }
    },
  };
}
