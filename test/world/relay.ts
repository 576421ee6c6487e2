import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable } from 'node:stream';

import nodemailer from 'nodemailer';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

import { freePort, LOOPBACK } from './ports.js';
import { asSmtpError, listen, queueId, readAll, rfc5322Date, smtpError } from './smtp.js';
import type { Endpoint, RelayInfo, RelayOptions } from './types.js';

export interface Relay {
  info: RelayInfo;
  stop(): Promise<void>;
}

/**
 * A provider's submission relay: takes AUTH PLAIN/LOGIN without TLS (loopback only), then forwards each
 * message to the receiving MX from `sourceAddress`, so the MX's SPF check sees that address. It answers
 * 250 only once the MX has accepted, so a send that "succeeded" really reached the MX.
 */
export async function startRelay(name: string, options: RelayOptions, mx: Endpoint): Promise<Relay> {
  const user = name;
  const password = `${name}-secret`;
  if (options.refuseConnections) {
    // Nothing listens here, so connecting is refused; another process taking the port later is a risk we accept.
    const info: RelayInfo = { ...options, name, host: LOOPBACK, port: await freePort(), user, password };
    return { info, stop: async () => {} };
  }

  const upstream = nodemailer.createTransport({
    host: mx.host,
    port: mx.port,
    localAddress: options.sourceAddress,
    name: options.heloName,
    // The MX offers STARTTLS with a self-signed certificate; providers upgrade opportunistically like this.
    tls: { rejectUnauthorized: false },
  });

  async function relay(stream: Readable, session: SMTPServerSession): Promise<string> {
    const message = await readAll(stream);
    const { reject } = options;
    if (reject?.stage === 'data') throw smtpError(reject.code, reject.message);
    const id = queueId();
    const received =
      `Received: from ${session.hostNameAppearsAs} ([${session.remoteAddress}])\r\n` +
      `\tby ${options.heloName} (inboxwatch test relay ${name}) with ${session.transmissionType} id ${id};\r\n` +
      `\t${rfc5322Date(new Date())}\r\n`;
    await upstream.sendMail({
      envelope: {
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
      },
      raw: Buffer.concat([Buffer.from(received), message]),
    });
    if (options.acceptDelayMs) await sleep(options.acceptDelayMs);
    return `OK: queued as ${id}`;
  }

  const server = new SMTPServer({
    name: options.heloName,
    banner: `inboxwatch test relay ${name}`,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    closeTimeout: 2000,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) callback(null, { user });
      else callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
    },
    onRcptTo(_address, _session, callback) {
      const { reject } = options;
      callback(reject?.stage === 'rcpt' ? smtpError(reject.code, reject.message) : undefined);
    },
    onData(stream, session, callback) {
      relay(stream, session).then(
        (reply) => callback(null, reply),
        (error: unknown) => callback(asSmtpError(error)),
      );
    },
  });
  const port = await listen(server);
  const info: RelayInfo = { ...options, name, host: LOOPBACK, port, user, password };
  return {
    info,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      upstream.close();
    },
  };
}
