/**
 * Names of what fnx creates in Azure, from the manifest alone (stable across runners). Function
 * App and storage account names are global (DNS), so each carries a short suffix hashed from the
 * subscription, resource group, service, stage (and function): the same project gets the same
 * names, another subscription or group different ones. Function Apps sharing a storage account
 * must differ in their first 32 characters (the host id), so app names are at most 32.
 */
import { createHash } from 'node:crypto';

const hash = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex');
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');

export interface NameScope {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly service: string;
  readonly stage: string;
}

/** The stage's short suffix (6 hex). */
export function stageSuffix(s: NameScope): string {
  return hash(s.subscriptionId.toLowerCase(), s.resourceGroup.toLowerCase(), s.service, s.stage).slice(0, 6);
}

/** `<service>-<stage>-<function>` cut to 25 characters, `-`, 6 hex: at most 32. */
export function appName(s: NameScope, fn: string): string {
  const base = slug(`${s.service}-${s.stage}-${fn}`).slice(0, 25).replace(/-+$/, '');
  return `${base}-${hash(stageSuffix(s), fn).slice(0, 6)}`;
}

/** `fnx` + service and stage letters and digits + the stage suffix: 3-24 lower case letters and digits. */
export function storageAccountName(s: NameScope): string {
  const base = `fnx${`${s.service}${s.stage}`.toLowerCase().replace(/[^a-z0-9]/g, '')}`.slice(0, 18);
  return `${base}${stageSuffix(s)}`;
}

/** Flex: one plan per app. */
export function flexPlanName(app: string): string {
  return `${app}-plan`;
}

/** Premium: one Elastic Premium plan per stage. */
export function premiumPlanName(s: NameScope): string {
  return `${slug(`${s.service}-${s.stage}`).slice(0, 40)}-ep-${stageSuffix(s)}`;
}

/** Flex: the app's deployment container (its released package and fnx's recorded ones). */
export function deploymentContainer(app: string): string {
  return `fnx-${app}`;
}

/** Premium: the slot new versions go to. */
export const STAGING_SLOT = 'staging';
