import { describe, expect, it } from 'vitest';
import { describeImapError } from '../../../src/node/imap-collector.js';

describe('IMAP failures at providers with their own conventions', () => {
  it('names the authorisation code when a QQ, NetEase or Aliyun login fails, and nothing extra elsewhere', () => {
    const failed = { authenticationFailed: true, responseText: 'LOGIN failed' };
    expect(describeImapError(failed, 'qq').message).toMatch(/^IMAP login failed: LOGIN failed \(QQ Mail takes an app-specific code over IMAP, not the account password: the authorisation code \(授权码\)/);
    expect(describeImapError(failed, 'netease').message).toMatch(/客户端授权密码/);
    expect(describeImapError(failed, 'aliyun').message).toMatch(/三方客户端安全密码/);
    expect(describeImapError(failed, 'gmail').message).toBe('IMAP login failed: LOGIN failed');
    expect(describeImapError(failed, 'qq').permanent).toBe(true);
  });

  it("reads NetEase's Unsafe Login refusal as a permanent failure that says why", () => {
    const refused = describeImapError({ responseText: 'SELECT Unsafe Login. Please contact kefu@188.com for help' }, 'netease');
    expect(refused).toMatchObject({ permanent: true });
    expect(refused.message).toMatch(/unsafe login.*IMAP ID/);
  });
});
