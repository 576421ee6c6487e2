import type { ApiToken } from '../api/bearer-tokens.js';

export interface TokenSecrets {
  INBOXWATCH_ADMIN_TOKEN?: string;
  /** `name:token` pairs separated by commas, one per agent. */
  INBOXWATCH_AGENT_TOKENS?: string;
  /** `name:token` pairs separated by commas, for read-only dashboards and scripts. */
  INBOXWATCH_VIEWER_TOKENS?: string;
}

const MIN_TOKEN_LENGTH = 16;

/** The tokens a Worker accepts, from its secrets; a malformed secret names itself and stops the Worker. */
export function tokensFromSecrets(secrets: TokenSecrets): ApiToken[] {
  const tokens: ApiToken[] = [];
  const admin = secrets.INBOXWATCH_ADMIN_TOKEN?.trim();
  if (admin) tokens.push(checked({ name: 'admin', token: admin, role: 'admin' }, 'INBOXWATCH_ADMIN_TOKEN'));
  tokens.push(...pairs(secrets.INBOXWATCH_AGENT_TOKENS, 'INBOXWATCH_AGENT_TOKENS', 'agent'));
  tokens.push(...pairs(secrets.INBOXWATCH_VIEWER_TOKENS, 'INBOXWATCH_VIEWER_TOKENS', 'viewer'));
  return tokens;
}

function pairs(value: string | undefined, secret: string, role: ApiToken['role']): ApiToken[] {
  if (!value?.trim()) return [];
  return value.split(',').map((entry, i) => {
    const at = entry.indexOf(':');
    if (at <= 0) throw new Error(`${secret}: entry ${i + 1} is not name:token`);
    return checked({ name: entry.slice(0, at).trim(), token: entry.slice(at + 1).trim(), role }, `${secret} entry ${i + 1}`);
  });
}

function checked(token: ApiToken, where: string): ApiToken {
  if (token.token.length < MIN_TOKEN_LENGTH) throw new Error(`${where}: tokens must be at least ${MIN_TOKEN_LENGTH} characters`);
  return token;
}
