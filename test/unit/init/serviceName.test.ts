import { describe, expect, it } from 'vitest';
import { normaliseServiceName, SERVICE_NAME_PATTERN } from '../../../src/init/serviceName.js';

describe('normaliseServiceName', () => {
  it.each([
    ['orders', 'orders'],
    ['My App!', 'my-app'],
    ['Hello World_API', 'hello-world-api'],
    ['123 Fancy.App', 'fancy-app'],
    ['--a--b--', 'a-b'],
    ['Café Crème', 'cafe-creme'],
    ['x'.repeat(60), 'x'.repeat(40)],
    [`${'a'.repeat(39)}-b`, 'a'.repeat(39)],
  ])('%j -> %j', (raw, expected) => {
    const name = normaliseServiceName(raw);
    expect(name).toBe(expected);
    expect(name).toMatch(SERVICE_NAME_PATTERN);
  });

  it.each(['123', '!!!', '', '---'])('%j has nothing usable', (raw) => {
    expect(normaliseServiceName(raw)).toBe('');
  });
});
