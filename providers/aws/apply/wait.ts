/** Waiting on Lambda's asynchronous states with the SDK waiters (timing from AwsSettings.waiter). */
import { waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2, waitUntilPublishedVersionActive } from '@aws-sdk/client-lambda';
import { CloudError, messageOf } from '../../../src/driver.js';
import type { AwsClients } from '../clients.js';
import { translateError } from '../errors.js';

type Waiter = 'active' | 'updated' | 'version';

function failure(name: string, what: Waiter, err: unknown): Error {
  const reason = (err as { reason?: { Configuration?: { StateReason?: string; LastUpdateStatusReason?: string }; StateReason?: string } } | undefined)?.reason;
  const detail = reason?.Configuration?.LastUpdateStatusReason ?? reason?.Configuration?.StateReason ?? reason?.StateReason;
  const message = messageOf(err);
  if (/TIMEOUT|timed out/i.test(message)) {
    return new CloudError('aws', 'unavailable', `Timed out waiting for ${name} to become ${what === 'updated' ? 'updated' : 'active'}.`, {
      hint: 'Lambda is slow to settle: run the command again (fnx converges).',
    });
  }
  if (detail || /FAILURE/.test(message)) {
    return new CloudError('aws', 'invalid', `Lambda could not ${what === 'updated' ? 'apply the update to' : 'activate'} ${name}: ${detail ?? message}`, {
      hint: 'Check the function settings named in the message (role, layers, network, handler).',
    });
  }
  return translateError(err, 'wait', name);
}

export async function waitFor(aws: AwsClients, name: string, what: Waiter, qualifier?: string): Promise<void> {
  const config = { client: aws.lambda, ...aws.settings.waiter };
  try {
    if (what === 'active') await waitUntilFunctionActiveV2(config, { FunctionName: name });
    else if (what === 'updated') await waitUntilFunctionUpdatedV2(config, { FunctionName: name });
    else await waitUntilPublishedVersionActive(config, { FunctionName: name, Qualifier: qualifier });
  } catch (err) {
    throw failure(name, what, err);
  }
}
