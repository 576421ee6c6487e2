import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const keys = (name: string) => readFileSync(fileURLToPath(new URL(`../world/keys/${name}`, import.meta.url)));

/** The CA that signed the test MTA-STS server's certificate (names mta-sts.sts-*.audit.test). */
export const AUDIT_CA = keys('audit-ca.pem');

export interface PolicyServer {
  port: number;
  close(): Promise<void>;
}

export type PolicyHandler = (host: string) => { status: number; contentType?: string; body: string } | 'hang';

/** An HTTPS server on 127.0.0.1 and a dynamic port that answers /.well-known/mta-sts.txt per Host header. */
export async function startPolicyServer(handler: PolicyHandler): Promise<PolicyServer> {
  const server: Server = createServer({ key: keys('audit-mta-sts.key'), cert: keys('audit-mta-sts.pem') }, (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const answer = req.url === '/.well-known/mta-sts.txt' ? handler(host) : { status: 404, body: 'not found' };
    if (answer === 'hang') return;
    res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'text/plain' });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
