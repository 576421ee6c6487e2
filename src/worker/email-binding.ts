import { renderEmail } from '../alerts/render-notification.js';
import { UndeliverableError, type Notification, type Notifier } from '../alerts/types.js';
import type { AlertChannel } from '../config/schema.js';

type EmailChannel = Extract<AlertChannel, { type: 'email' }>;

/** The part of Cloudflare's `send_email` binding (Email Service) alert emails use; structural, so no Workers types are needed. */
export interface SendEmailBinding {
  send(message: {
    from: string | { email: string; name: string };
    to: string[];
    subject: string;
    text: string;
    html: string;
  }): Promise<unknown>;
}

/** The binding name wrangler.toml gives the Email Service binding alert emails go through. */
export const EMAIL_BINDING = 'ALERT_EMAIL';

/**
 * Email channels on a Worker: Workers cannot open SMTP connections to the channel's server, so the message
 * goes through Cloudflare's Email Service binding when the deployment has one (`from` must be an address on
 * a domain onboarded there); the channel's `smtp` block is not used. Without the binding every notification
 * is recorded as failed, with the reason, never dropped or counted as sent.
 */
export function createBindingEmailNotifier(channel: EmailChannel, binding: SendEmailBinding | undefined): Notifier {
  return {
    async send(notification: Notification) {
      if (!binding) {
        throw new UndeliverableError(
          `email channel "${channel.name}": this Worker has no ${EMAIL_BINDING} send_email binding and cannot open SMTP connections; add the binding (see wrangler.toml) or send email alerts from inboxwatch serve`,
        );
      }
      const message = renderEmail(notification);
      try {
        await binding.send({ from: sender(channel.from), to: channel.to, subject: message.subject, text: message.text, html: message.html });
      } catch (error) {
        throw new Error(`email channel "${channel.name}" via ${EMAIL_BINDING}: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}

/** `Name <address>` as the binding's `{ name, email }`; a bare address as it is. */
function sender(from: string): string | { email: string; name: string } {
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(from);
  return match?.[1] && match[2] ? { name: match[1], email: match[2] } : (match?.[2] ?? from.trim());
}
