/**
 * The conformance suite against the in-memory fake driver, so the fake other tests rely on keeps
 * the same contract as the real drivers. Each runner is a new FakeDriver over the same FakeCloud.
 */
import { FakeCloud, FakeDriver, type FakeDriverOptions } from '../fakes/fake-driver.js';
import { conformanceProject } from './project.js';
import { describeDriverConformance } from './suite.js';

describeDriverConformance('fake', async () => {
  const project = await conformanceProject('aws: { region: us-east-1 }', 'conf');
  const cloud = new FakeCloud();
  const options: FakeDriverOptions = { urls: { api: ['https://api.fake.invalid/hello'] } };
  return {
    manifest: () => project.manifest,
    artifacts: (revision) => project.artifacts(revision),
    driver: new FakeDriver(cloud, options),
    freshDriver: () => new FakeDriver(cloud, options),
    cleanup: () => project.cleanup(),
  };
});
