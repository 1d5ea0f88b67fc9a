// Temporal's standard JSON form of an event history (as `temporal workflow show --output json` and
// the Web UI's download write it), for the replay histories in test/histories/.
//
// Why not `historyToJSON` / `historyFromJSON` from @temporalio/common/lib/proto-utils: with this
// install, @temporalio/common and @temporalio/proto each get their own copy of protobufjs 8.8.1,
// and common's protojson rejects the History type built by proto's copy ("TypeError: type must be
// a Type"). The same happens inside `Worker.runReplayHistories` when handed parsed JSON, so the
// replay test passes it History messages decoded here. These do what the SDK's functions do, with
// the protobufjs that @temporalio/proto was built with.
import { dirname } from 'node:path';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

type History = proto.temporal.api.history.v1.IHistory;
interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
}

const protojson: ProtoJson = require(require.resolve('protobufjs/ext/protojson', { paths: [dirname(require.resolve('@temporalio/proto'))] }));
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History');

/** A fetched history → the standard JSON text (2-space indented, like the SDK's `historyToJSON`). */
export function historyToJSON(history: History): string {
  return JSON.stringify(protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)), null, 2);
}

/** Standard history JSON (parsed) → a History message `Worker.runReplayHistories` takes as it is. Unknown fields are ignored. */
export function historyFromJSON(json: unknown): History {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { events?: unknown }).events)) {
    throw new TypeError('not a history: expected an object with an array of events');
  }
  const history = protojson.fromJson(historyType, json, { ignoreUnknownFields: true }) as History | null;
  if (!history) throw new TypeError('not a history');
  return history;
}
