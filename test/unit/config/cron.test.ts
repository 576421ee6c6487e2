import { validate } from 'node-cron';
import { describe, expect, it } from 'vitest';
import { isValidCron } from '../../../src/config/cron.js';

/** node-cron runs the schedules, so nothing the config accepts may be refused by it. */
const nodeCronAccepts = (expression: string) => {
  try {
    return validate(expression);
  } catch {
    return false;
  }
};

const VALID = [
  '*/30 * * * *',
  '15 * * * *',
  '17 3 * * *',
  '0 */6 * * *',
  '*/2 * * * * *',
  '0 0 1 1 *',
  '1-5/2 * * * *',
  '0 9-17 * * mon-fri',
  '0 0 * JAN,jul *',
  '0 0 ? * sun',
  '0 0 1,15 * ?',
  '0 0 * * 7',
  '59 23 31 12 *',
  '0 0 29 2 *',
  '@daily',
  '@HOURLY',
  '  5  4  *  *  * ',
];

const INVALID = [
  '',
  'every hour',
  '* * * *',
  '* * * * * * *',
  '60 * * * *',
  '* 24 * * *',
  '* * 0 * *',
  '* * 32 * *',
  '* * * 13 *',
  '* * * * 8',
  '*/0 * * * *',
  '5/15 * * * *',
  '0 0 30 2 *',
  '0 0 31 4,6 *',
  '? * * * *',
  '* * * foo *',
  '1-2-3 * * * *',
  '@sometimes',
  '0 0 * * mon#2',
  '0 0 L * *',
];

describe('cron expressions in the configuration', () => {
  it.each(VALID)('accepts %j, as node-cron does', (expression) => {
    expect(isValidCron(expression)).toBe(true);
    expect(nodeCronAccepts(expression)).toBe(true);
  });

  it.each(INVALID)('refuses %j', (expression) => {
    expect(isValidCron(expression)).toBe(false);
  });

  it('never accepts what node-cron refuses', () => {
    const accepted = [...VALID, ...INVALID].filter(isValidCron);
    expect(accepted.filter((expression) => !nodeCronAccepts(expression))).toEqual([]);
  });
});
