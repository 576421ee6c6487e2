import { generateKeyPairSync } from 'node:crypto';

/** The base64 p= value of a fresh public key, as a DKIM key record carries it. */
export function dkimPublicKey(type: 'rsa' | 'ed25519', bits = 2048): string {
  if (type === 'ed25519') {
    const der = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
    return der.subarray(der.length - 32).toString('base64');
  }
  return generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
}
