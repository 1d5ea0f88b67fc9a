// Loaded by path (DataConverter.failureConverterPath) in the worker, in every client and inside the
// workflow bundle: failure messages and stack traces move into an encoded attribute, which the
// payload codec then encrypts. Without the codec a failure reads "Encoded failure", because an
// error message can echo personal data (a Vinoshipper refusal quoting an address, say).
// Bundled into the workflow sandbox: imports @temporalio/common only.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
