// The one data converter every part of cellarhand that talks to Temporal uses: the API's client,
// the worker (activities and, through the bundle, workflows), scripts and tests. A client or worker
// without it would write personal data in clear and could not read what the others wrote.
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../config';
import { AesGcmCodec } from './codec';

/**
 * Path of the failure converter module (`failureConverter` export), for `failureConverterPath` and
 * for `bundleWorkflowCode({ failureConverterPath })` when the workflow bundle is built ahead of time.
 */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

export function createCodec(codec: Pick<Config['codec'], 'keys'>): AesGcmCodec {
  return new AesGcmCodec(codec.keys);
}

/** AES-256-GCM payload encryption plus encoded failure messages and stack traces. */
export function createDataConverter(codec: Pick<Config['codec'], 'keys'>): DataConverter {
  return { payloadCodecs: [createCodec(codec)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
