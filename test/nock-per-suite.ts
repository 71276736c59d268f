/**
 * nock scoped to one suite, so that every test file can share one process (`node --test --test-isolation=none`):
 * hooks registered at a file's top level would apply to every test of the run.
 */
import { after, afterEach, before } from "node:test";
import nock from "nock";

/**
 * Call inside `describe`: while the suite runs no real connection is made (except to `allow`, such as a local
 * server the suite starts); after each test its interceptors are removed, so none reaches the next test or
 * suite; when the suite ends, connections are allowed again for suites that do not use nock.
 */
export function nockPerSuite(options: { allow?: string } = {}): void {
  before(() => {
    nock.disableNetConnect();
    if (options.allow) nock.enableNetConnect(options.allow);
  });
  afterEach(() => {
    nock.abortPendingRequests();
    nock.cleanAll();
  });
  after(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
}
