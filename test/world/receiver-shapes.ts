import type { AuthenticateResult } from 'mailauth';

import { rfc5322Date } from './smtp.js';

/**
 * How the MX stamps its trace when a recipient rule asks it to play a given receiver: the Received
 * line and Authentication-Results in that provider's published shape (see test/fixtures/receivers),
 * filled with the MX's own mailauth verdicts. `none` adds no Authentication-Results at all.
 */
export const RECEIVER_SHAPES = ['gmail', 'outlook', 'yahoo', 'icloud', 'none'] as const;
export type ReceiverShape = (typeof RECEIVER_SHAPES)[number];

export interface StampInput {
  client: { helo: string; ip: string; name: string };
  id: string;
  recipient: string;
  at: Date;
  mailFrom: string;
  auth: AuthenticateResult;
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);

function verdicts(auth: AuthenticateResult) {
  const dkim = auth.dkim.results[0];
  return {
    spf: auth.spf ? auth.spf.status.result : 'none',
    dkim: dkim?.status.result ?? 'none',
    dkimDomain: dkim?.signingDomain ?? 'none',
    selector: dkim?.selector ?? 'none',
    dmarc: auth.dmarc ? auth.dmarc.status.result : 'none',
    fromDomain: auth.dmarc ? auth.dmarc.domain : 'unknown',
  };
}

/** The trace headers, top first, that the MX prepends when playing `shape`. */
export function stamp(shape: ReceiverShape, input: StampInput): string[] {
  const v = verdicts(input.auth);
  const { client, at, mailFrom } = input;
  const date = rfc5322Date(at);
  switch (shape) {
    case 'gmail':
      return [
        `Received: from ${client.helo} (${client.name}. [${client.ip}])\r\n        by mx.google.com with ESMTP id ${input.id}\r\n        for <${input.recipient}>;\r\n        ${date}`,
        `Received-SPF: ${v.spf} (google.com: domain of ${mailFrom} designates ${client.ip} as permitted sender) client-ip=${client.ip};`,
        `Authentication-Results: mx.google.com;\r\n       dkim=${v.dkim} header.i=@${v.dkimDomain} header.s=${v.selector} header.b=AbCdEf;\r\n       spf=${v.spf} (google.com: domain of ${mailFrom} designates ${client.ip} as permitted sender) smtp.mailfrom=${mailFrom};\r\n       dmarc=${v.dmarc} (p=REJECT sp=REJECT dis=NONE) header.from=${v.fromDomain}`,
      ];
    case 'outlook':
      return [
        `Received: from BN9PR03CA0021.namprd03.prod.outlook.com (2603:10b6:408:fa::26) by PH0PR11MB4871.namprd11.prod.outlook.com\r\n (2603:10b6:510:30::8) with Microsoft SMTP Server (version=TLS1_2,\r\n cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.7202.34; ${date}`,
        `Authentication-Results: spf=${v.spf} (sender IP is ${client.ip})\r\n smtp.mailfrom=${domainOf(mailFrom)}; dkim=${v.dkim} (signature was verified)\r\n header.d=${v.dkimDomain};dmarc=${v.dmarc} action=none\r\n header.from=${v.fromDomain};compauth=${v.dmarc === 'pass' ? 'pass' : 'fail'} reason=${v.dmarc === 'pass' ? '100' : '000'}`,
        `Received-SPF: ${v.spf} (protection.outlook.com: domain of ${domainOf(mailFrom)} designates ${client.ip} as permitted sender) receiver=protection.outlook.com; client-ip=${client.ip}; helo=${client.helo};`,
        `Received: from ${client.helo} (${client.ip}) by\r\n BN1PEPF00004684.mail.protection.outlook.com (10.167.243.90) with Microsoft SMTP\r\n Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.7228.16 via\r\n Frontend Transport; ${date}`,
      ];
    case 'yahoo':
      return [
        `Authentication-Results: atlas212.free.mail.bf1.yahoo.com;\r\n dkim=${v.dkim} header.i=@${v.dkimDomain} header.s=${v.selector};\r\n spf=${v.spf} smtp.mailfrom=${domainOf(mailFrom)};\r\n dmarc=${v.dmarc}(p=REJECT) header.from=${v.fromDomain};`,
        `Received: from ${client.ip} (EHLO ${client.helo})\r\n by 10.217.150.33 with SMTP; ${date}`,
      ];
    case 'icloud':
      return [
        `Received: from ${client.helo} (${client.name} [${client.ip}])\r\n by p00-icloudmta-asmtp-us-west-1a-60-percent-3.p00-icloudmta-asmtp-vip.icloud-mail-production.svc.kube.us-west-1a.k8s.cloud.apple.com (Postfix) with ESMTP id ${input.id}\r\n for <${input.recipient}>; ${date}`,
        `Authentication-Results: dmarc.icloud.com; dmarc=${v.dmarc} header.from=${v.fromDomain}`,
        `Authentication-Results: dkim-verifier.icloud.com;\r\n dkim=${v.dkim} (2048-bit key) header.d=${v.dkimDomain} header.i=@${v.dkimDomain} header.b=AbCdEf`,
        `Authentication-Results: spf.icloud.com; spf=${v.spf} (spf.icloud.com: domain of ${mailFrom} designates ${client.ip} as permitted sender) smtp.mailfrom=${mailFrom}`,
      ];
    case 'none':
      return [`Received: from ${client.helo} (${client.name} [${client.ip}])\r\n\tby mx.seeds.inboxwatch.test (inboxwatch test MX) with ESMTP id ${input.id};\r\n\t${date}`];
  }
}
