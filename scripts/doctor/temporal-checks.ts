// The doctor's Temporal rows: the server answers, the namespace exists, every search attribute the
// order workflows set is registered as a Keyword (`--fix` registers the missing ones where the server
// lets a client do that: the dev server and self-hosted clusters, not Temporal Cloud).
import { readFileSync } from 'node:fs';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Config } from '../../config';
import { ORDER_SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { failure, pass, skipped, type DoctorRow } from './rows';

const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
const NOT_FOUND = 5; // gRPC status
const PERMISSION_DENIED = 7;
const UNIMPLEMENTED = 12;

export async function temporalRows(config: Config, options: { fix: boolean }): Promise<DoctorRow[]> {
  const { address, namespace, apiKey, tls } = config.temporal;
  let connection: Connection;
  try {
    connection = await Connection.connect({
      address,
      apiKey,
      tls: tls ? { clientCertPair: { crt: readFileSync(tls.certPath), key: readFileSync(tls.keyPath) } } : apiKey ? true : undefined,
      connectTimeout: '3s',
    });
  } catch (err) {
    return [
      failure(
        'Temporal server',
        `cannot reach ${address}: ${message(err)}`,
        `Start Temporal (\`npm start\` runs a dev server for a local TEMPORAL_ADDRESS), or check TEMPORAL_ADDRESS, TEMPORAL_API_KEY and the mTLS files.`,
      ),
      skipped('Temporal namespace', 'Temporal is not reachable'),
      skipped('Search attributes', 'Temporal is not reachable'),
    ];
  }
  try {
    const rows = [pass('Temporal server', `${address} answers`)];
    try {
      await connection.workflowService.describeNamespace({ namespace });
      rows.push(pass('Temporal namespace', `${namespace} exists`));
    } catch (err) {
      const missing = grpcCode(err) === NOT_FOUND;
      rows.push(
        failure(
          'Temporal namespace',
          missing ? `no namespace ${namespace}` : `cannot describe ${namespace}: ${message(err)}`,
          missing
            ? `Create it: \`temporal operator namespace create --namespace ${namespace}\` (Temporal Cloud: create it in the Cloud UI), or fix TEMPORAL_NAMESPACE.`
            : 'Check that the API key or certificate may read this namespace.',
        ),
        skipped('Search attributes', 'the namespace is not available'),
      );
      return rows;
    }
    rows.push(await searchAttributesRow(connection, namespace, options.fix));
    return rows;
  } finally {
    await connection.close();
  }
}

async function searchAttributesRow(connection: Connection, namespace: string, fix: boolean): Promise<DoctorRow> {
  const CHECK = 'Search attributes';
  const names = ORDER_SEARCH_ATTRIBUTES.map((key) => key.name);
  const list = async () => (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
  let registered: Record<string, unknown>;
  try {
    registered = await list();
  } catch (err) {
    return failure(CHECK, `cannot list them: ${message(err)}`, cloudOrCliFix(namespace, names));
  }
  const wrongType = names.filter((name) => name in registered && registered[name] !== KEYWORD);
  let missing = names.filter((name) => !(name in registered));
  let fixed: string[] = [];
  if (missing.length && fix) {
    try {
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: Object.fromEntries(missing.map((name) => [name, KEYWORD])) });
      fixed = missing;
      const now = await list();
      missing = names.filter((name) => !(name in now));
    } catch (err) {
      const refused = [PERMISSION_DENIED, UNIMPLEMENTED].includes(grpcCode(err) ?? -1);
      return failure(
        CHECK,
        `missing ${missing.join(', ')}; --fix could not register them: ${message(err)}`,
        refused ? cloudOrCliFix(namespace, missing) : 'Try again, or register them with the CLI.',
      );
    }
  }
  if (wrongType.length) {
    return failure(
      CHECK,
      `${wrongType.join(', ')} registered with another type than Keyword`,
      'Remove them and register them again as Keyword (Temporal cannot change a type in place).',
    );
  }
  if (missing.length) {
    return failure(CHECK, `missing in ${namespace}: ${missing.join(', ')}`, `Run \`npm run doctor -- --fix\`, or: ${cloudOrCliFix(namespace, missing)}`);
  }
  return pass(CHECK, fixed.length ? `registered now: ${fixed.join(', ')} (all ${names.length} Keyword)` : `all ${names.length} registered as Keyword`);
}

function cloudOrCliFix(namespace: string, names: string[]): string {
  const cli = names.map((name) => `temporal operator search-attribute create --namespace ${namespace} --name ${name} --type Keyword`).join('; ');
  return `${cli}. Temporal Cloud: add them (Keyword) in the namespace's settings in the Cloud UI or with tcld.`;
}

function grpcCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
