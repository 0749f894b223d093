/** Route matching for sample events and `fnx dev`: API Gateway HTTP API's precedence. */
import { describe, expect, it } from 'vitest';
import { matchRoute } from '../../../src/events/routes.js';
import type { HttpTrigger } from '../../../src/manifest/model.js';

const r = (method: string, path: string): HttpTrigger => ({ kind: 'http', method, path, auth: 'none' });
const routes = [r('ANY', '/items/{id}'), r('GET', '/items/{id}'), r('GET', '/items/new'), r('ANY', '/files/{path+}'), r('GET', '/')];
const key = (method: string, path: string) => {
  const m = matchRoute(routes, method, path);
  return m ? { route: `${m.trigger.method} ${m.trigger.path}`, params: m.params } : undefined;
};

describe('matchRoute', () => {
  it('prefers fixed segments over parameters, and a method over ANY', () => {
    expect(key('GET', '/items/new')).toEqual({ route: 'GET /items/new', params: {} });
    expect(key('GET', '/items/7')).toEqual({ route: 'GET /items/{id}', params: { id: '7' } });
    expect(key('DELETE', '/items/7')).toEqual({ route: 'ANY /items/{id}', params: { id: '7' } });
  });

  it('greedy parameters take the rest of the path, decoded; trailing slashes and extra segments', () => {
    expect(key('PUT', '/files/a/b%20c.txt')).toEqual({ route: 'ANY /files/{path+}', params: { path: 'a/b c.txt' } });
    expect(key('GET', '/files')).toBeUndefined();
    expect(key('GET', '/items/7/')).toEqual({ route: 'GET /items/{id}', params: { id: '7' } });
    expect(key('GET', '/items/7/more')).toBeUndefined();
    expect(key('GET', '/')).toEqual({ route: 'GET /', params: {} });
    expect(key('POST', '/')).toBeUndefined();
  });
});
