// Jest setup (every suite): the Temporal client's default retry, as every connection a test makes
// gets it (TestWorkflowEnvironment's own included), with cellarhand's closed-channel guard inside
// it, as the API's connection has it (temporal/connection.ts). A call left in the retry's backoff
// by one suite's teardown would otherwise throw "Channel has been shut down" from its timer into
// whichever suite runs next (CI, 2026-12-04: test/workflow/workflow-log.test.ts "failed to run").
import type { Interceptor } from '@grpc/grpc-js';
import { closedChannelGuard } from '../../temporal/connection';

// The module Connection reads its default retry from.
const grpcRetry: { makeGrpcRetryInterceptor: (...args: unknown[]) => Interceptor } = require('@temporalio/client/lib/grpc-retry');
const sdkRetry = grpcRetry.makeGrpcRetryInterceptor;
grpcRetry.makeGrpcRetryInterceptor = (...args) => {
  const retry = sdkRetry(...args);
  return (options, nextCall) => retry(options, (callOptions) => closedChannelGuard(callOptions, nextCall));
};
