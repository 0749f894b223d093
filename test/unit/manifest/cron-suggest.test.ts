import { describe, expect, it } from 'vitest';
import { checkCron } from '../../../src/manifest/cron.js';
import { didYouMean, levenshtein } from '../../../src/manifest/suggest.js';

describe('cron syntax', () => {
  it.each(['0 2 * * *', '*/5 * * * *', '0 9-17 * * MON-FRI', '15,45 0 1 JAN,JUL *', '0 0 1-31/2 * 0', '0 12 * * 7', '5/15 * * * sun', '  0   2 * * *  '])('accepts %j', (expr) => {
    expect(checkCron(expr)).toBeUndefined();
  });

  it.each([
    ['0 2 * *', 0, '4 fields'],
    ['0 0 2 * * ?', 0, '6 fields'],
    ['60 * * * *', 0, 'minute field has `60`'],
    ['0 2 * * ?', 8, 'uses `?`'],
    ['0 2 0 * *', 4, 'day-of-month field has `0`'],
    ['0 2 * 13 *', 6, 'month field has `13`'],
    ['0 2 * * FUNDAY', 8, 'not a number 0-7 or a name'],
    ['0 17-9 * * *', 2, 'runs backwards'],
    ['*/0 * * * *', 0, 'step of 0'],
    ['1,,2 * * * *', 0, 'empty list item'],
  ])('rejects %j at offset %i', (expr, offset, text) => {
    const p = checkCron(expr);
    expect(p?.offset).toBe(offset);
    expect(p?.message).toContain(text);
  });
});

describe('did you mean', () => {
  it('finds close keys', () => {
    expect(didYouMean('memroy', ['memory', 'timeout'])).toBe('did you mean `memory`?');
    expect(didYouMean('Timeout', ['memory', 'timeout'])).toBe('did you mean `timeout`?');
    expect(didYouMean('handlr', ['handler'])).toBe('did you mean `handler`?');
  });
  it('stays quiet when nothing is close', () => {
    expect(didYouMean('zzz', ['memory', 'timeout'])).toBeUndefined();
  });
  it('levenshtein', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
  });
});
