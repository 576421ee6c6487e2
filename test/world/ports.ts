import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/** The only address the world's own servers listen on. Relays additionally bind other 127/8 addresses as sources. */
export const LOOPBACK = '127.0.0.1';

/**
 * A port that is free on 127.0.0.1 for both TCP and UDP right now. Only where we cannot listen on port 0
 * ourselves (NSD and Dovecot bind it; the refusing relay must not listen at all): another run may take it
 * meanwhile, so the daemons' starters retry on {@link PortInUseError}.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freeTcpPort();
    if (await udpPortFree(port)) return port;
  }
  throw new Error('no loopback port free for both TCP and UDP after 20 attempts');
}

function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: LOOPBACK, port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('TCP server has no port'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

function udpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ address: LOOPBACK, port, exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

/** A daemon lost the race for the port {@link freePort} gave us; start it again on another. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

export async function retryOnPortClash<T>(start: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (!(error instanceof PortInUseError) || attempt >= attempts) throw error;
    }
  }
}
