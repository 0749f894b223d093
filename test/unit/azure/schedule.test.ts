/** Five-field cron and rates as Azure's six-field NCRONTAB (providers/azure/schedule.ts). */
import { describe, expect, it } from 'vitest';
import { ncrontab, ncrontabFromCron, ncrontabFromRate } from '../../../providers/azure/schedule.js';

describe('NCRONTAB', () => {
  it('prefixes second 0 and maps days of week to 0-6 and names to numbers', () => {
    expect(ncrontabFromCron('0 2 * * *')).toBe('0 0 2 * * *');
    expect(ncrontabFromCron('*/15 9-17 * * MON-FRI')).toBe('0 */15 9-17 * * 1-5');
    expect(ncrontabFromCron('30 6 * JAN,jul 7')).toBe('0 30 6 * 1,7 0');
    expect(ncrontabFromCron('0 0 * * 5-7')).toBe('0 0 0 * * 5-6,0');
    expect(ncrontabFromCron('0 0 * * 0-7')).toBe('0 0 0 * * 0-6');
    expect(ncrontabFromCron('0 0 1 * ?')).toBe('0 0 0 1 * *');
  });

  it('refuses day-of-month together with day-of-week (cron ORs them, NCRONTAB ANDs them)', () => {
    expect(() => ncrontabFromCron('0 0 1 * 1')).toThrow(/restricts both day-of-month and day-of-week/);
  });

  it('converts rates that divide a minute, an hour or a day, and refuses the others', () => {
    expect(ncrontabFromRate(30)).toBe('*/30 * * * * *');
    expect(ncrontabFromRate(60)).toBe('0 * * * * *');
    expect(ncrontabFromRate(300)).toBe('0 */5 * * * *');
    expect(ncrontabFromRate(3600)).toBe('0 0 * * * *');
    expect(ncrontabFromRate(6 * 3600)).toBe('0 0 */6 * * *');
    expect(ncrontabFromRate(86_400)).toBe('0 0 0 * * *');
    for (const s of [45, 420, 5 * 3600, 2 * 86_400]) expect(() => ncrontabFromRate(s)).toThrow(/cannot be an Azure timer schedule/);
    expect(ncrontab({ rateSeconds: 900 })).toBe('0 */15 * * * *');
  });
});
