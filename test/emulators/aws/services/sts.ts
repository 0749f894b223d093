// STS (awsQuery): GetCallerIdentity.
import { AwsError, parseForm, queryError, queryRes, type HttpReq, type Routed, type ServiceHandler } from '../protocol.js';
import type { Emulator } from '../emulator.js';

const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export function createStsService(em: Emulator): ServiceHandler {
  return {
    name: 'sts',
    route(req: HttpReq): Routed {
      const form = parseForm(req);
      const action = form.Action ?? '';
      if (action !== 'GetCallerIdentity') throw new AwsError('InvalidAction', `Could not find operation ${action || '(none)'} for version 2011-06-15`, 400);
      return {
        operation: action,
        input: {},
        execute: () => queryRes(action, XMLNS, { UserId: 'AKIAIOSFODNN7EXAMPLE', Account: em.accountId, Arn: `arn:aws:iam::${em.accountId}:root` }),
      };
    },
    error: (err) => queryError(err, XMLNS),
    throttleError: () => new AwsError('Throttling', 'Rate exceeded', 400),
    internalError: () => new AwsError('InternalFailure', 'An internal error occurred (injected fault).', 500),
  };
}
