/**
 * Exit statuses every command shares: 0 done, 1 a finding or a failure, 2 the call itself was wrong,
 * 3 no finding but some checks could not be made (so a CI gate stops without blaming the subject).
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, undetermined: 3 } as const;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
