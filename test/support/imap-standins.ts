import { connect, createServer, type Server, type Socket } from 'node:net';
import { LOOPBACK } from '../world/ports.js';

export interface CountingServer {
  port: number;
  /** TCP connections accepted so far. */
  connections(): number;
  stop(): Promise<void>;
}

/**
 * An IMAP host that lets nobody in: every connection is counted and then either reset at once or, like a
 * server shedding load, greeted with `* BYE` and closed.
 */
export async function startRefusingImap(mode: 'reset' | 'bye'): Promise<CountingServer> {
  let count = 0;
  const server = createServer((socket) => {
    count++;
    socket.on('error', () => undefined);
    if (mode === 'reset') socket.resetAndDestroy();
    else socket.end('* BYE Too many connections, try again later\r\n');
  });
  const port = await listen(server);
  return { port, connections: () => count, stop: () => close(server) };
}

export interface ImapProxy {
  port: number;
  /** From now on nothing passes in either direction and no connection is closed: the session hangs. */
  freeze(): void;
  /** Commands clients sent, tag stripped, e.g. `ID ("name" "inboxwatch")`, `SELECT "INBOX"`. */
  commands(): string[];
  stop(): Promise<void>;
}

/**
 * A TCP proxy in front of the world's Dovecot. `requireId` answers SELECT/EXAMINE sent before IMAP ID
 * with the NO NetEase (163/126/yeah.net) gives such clients, without passing them on; `hideSpecialUse`
 * drops the special-use flags from LIST answers, as servers without SPECIAL-USE list folders.
 */
export async function startImapProxy(target: { host: string; port: number }, options: { requireId?: boolean; hideSpecialUse?: boolean } = {}): Promise<ImapProxy> {
  let frozen = false;
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect({ host: target.host, port: target.port });
    sockets.add(client);
    sockets.add(upstream);
    let sentId = false;
    let pending = '';
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    let fromServer = '';
    upstream.on('data', (data: Buffer) => {
      if (frozen) return;
      if (!options.hideSpecialUse) {
        client.write(data);
        return;
      }
      fromServer += data.toString('latin1');
      const end = fromServer.lastIndexOf('\r\n');
      if (end === -1) return;
      const lines = fromServer.slice(0, end + 2);
      fromServer = fromServer.slice(end + 2);
      client.write(Buffer.from(lines.replace(/^(\* X?LIST \([^)]*)\)/gm, (_, flags: string) => `${flags.replace(/\s*\\(Junk|Trash|Sent|Drafts|Archive|All|Flagged)\b/gi, '')})`), 'latin1'));
    });
    client.on('data', (data: Buffer) => {
      if (frozen) return;
      pending += data.toString('latin1');
      let end = pending.indexOf('\r\n');
      while (end !== -1) {
        const line = pending.slice(0, end + 2);
        pending = pending.slice(end + 2);
        const [tag, command = ''] = line.trimEnd().split(/ (.*)/s);
        seen.push(command);
        const verb = command.split(' ')[0]?.toUpperCase();
        if (verb === 'ID') sentId = true;
        if (options.requireId && !sentId && (verb === 'SELECT' || verb === 'EXAMINE')) {
          client.write(`${tag} NO ${verb} Unsafe Login. Please contact kefu@188.com for help\r\n`);
        } else {
          upstream.write(line);
        }
        end = pending.indexOf('\r\n');
      }
    });
    upstream.on('close', () => {
      if (!frozen) client.end();
    });
    client.on('close', () => {
      if (!frozen) upstream.end();
    });
  });
  const port = await listen(server);
  return {
    port,
    freeze: () => {
      frozen = true;
    },
    commands: () => [...seen],
    async stop() {
      for (const socket of sockets) socket.destroy();
      await close(server);
    },
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('no port'));
      else resolve(address.port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
