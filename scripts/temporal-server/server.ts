// The Temporal server on PostgreSQL, run natively the way docker-compose.yml runs it: the same
// binary version (binaries.ts), the same config template (the one built into the binary, which the
// temporalio/server image uses too), the same values (deploy/temporal-server/server.env), the same
// dynamic config and the same schema steps (deploy/temporal-server/schema.sh). What differs is only
// where things are: 127.0.0.1, ports of our choosing, a private cluster (postgres.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { parse, stringify } from 'yaml';
import { ORDER_SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { run } from '../lib/install-helpers';
import type { ProcessSpec } from '../lib/process-spec';
import { projectRoot } from '../temporal-binaries';
import type { ServerBinaries, UiServer } from './binaries';
import type { PostgresCluster } from './postgres';

export const SERVER_CONFIG_DIR = path.join(projectRoot(), 'deploy', 'temporal-server');
export const SERVER_ENV_FILE = path.join(SERVER_CONFIG_DIR, 'server.env');
export const DYNAMIC_CONFIG_FILE = path.join(SERVER_CONFIG_DIR, 'dynamicconfig.yaml');
export const SCHEMA_SCRIPT = path.join(SERVER_CONFIG_DIR, 'schema.sh');

/** How long closed workflows are kept: docker-compose.yml creates the namespace with the same (a unit test compares). */
export const NAMESPACE_RETENTION_DAYS = 30;

/** The server's eight service ports, plus the frontend's HTTP API. */
export interface ServerPorts {
  frontend: number;
  frontendHttp: number;
  frontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
}

/** The template's variable for each port. */
const PORT_VARIABLES: Record<keyof ServerPorts, string> = {
  frontend: 'FRONTEND_GRPC_PORT',
  frontendHttp: 'FRONTEND_HTTP_PORT',
  frontendMembership: 'FRONTEND_MEMBERSHIP_PORT',
  history: 'HISTORY_GRPC_PORT',
  historyMembership: 'HISTORY_MEMBERSHIP_PORT',
  matching: 'MATCHING_GRPC_PORT',
  matchingMembership: 'MATCHING_MEMBERSHIP_PORT',
  worker: 'WORKER_GRPC_PORT',
  workerMembership: 'WORKER_MEMBERSHIP_PORT',
};
export const SERVER_PORT_KEYS = Object.keys(PORT_VARIABLES) as (keyof ServerPorts)[];

/**
 * `npm start`'s fixed ports: ten in a row from the frontend's (TEMPORAL_ADDRESS), the last for
 * PostgreSQL. With the default 7233: 7233–7241 for the server, 5 for PostgreSQL 7242.
 */
export function portBlock(frontend: number): { server: ServerPorts; postgres: number } {
  const server = Object.fromEntries(SERVER_PORT_KEYS.map((key, i) => [key, frontend + i])) as unknown as ServerPorts;
  return { server, postgres: frontend + SERVER_PORT_KEYS.length };
}

/** The shared values (server.env): KEY=VALUE lines, `#` comments, as docker compose reads an env_file. */
export function readServerEnv(file = SERVER_ENV_FILE): Record<string, string> {
  const values: Record<string, string> = {};
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 1) throw new Error(`${file}: not KEY=VALUE: ${line}`);
    values[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return values;
}

/**
 * The dynamic config file to use: the shared one as it is, or (with `extra`, for tests) a copy in
 * `dir` with those keys set globally, e.g. `{ 'history.transferProcessorUpdateAckInterval': '1s' }`.
 */
export function dynamicConfigFile(dir: string, extra: Record<string, unknown> = {}): string {
  if (!Object.keys(extra).length) return DYNAMIC_CONFIG_FILE;
  const config = (parse(readFileSync(DYNAMIC_CONFIG_FILE, 'utf8')) ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(extra)) config[key] = [{ value }];
  const file = path.join(dir, 'dynamicconfig.yaml');
  writeFileSync(file, `# Written by scripts/temporal-server/server.ts: ${DYNAMIC_CONFIG_FILE} plus test values.\n${stringify(config)}`);
  return file;
}

/**
 * The same dynamic config for the dev server (`npm start`, the tests, the bench), as its
 * `--dynamic-config-value` flags: what the shared file sets for every namespace (entries without
 * constraints), then `extra`. The dev server's own defaults stay for everything else.
 */
export function devServerDynamicConfigArgs(extra: Record<string, unknown> = {}): string[] {
  const shared = (parse(readFileSync(DYNAMIC_CONFIG_FILE, 'utf8')) ?? {}) as Record<string, Array<{ value: unknown; constraints?: unknown }>>;
  const global = Object.entries(shared).flatMap(([key, entries]) => entries.filter((e) => !e.constraints).map((e) => [key, e.value] as const));
  const values = { ...Object.fromEntries(global), ...extra };
  return Object.entries(values).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${JSON.stringify(value)}`]);
}

// Only what the programs need from our environment: cellarhand's own variables (TEMPORAL_ADDRESS,
// TEMPORAL_TLS_…) would otherwise reach their config templates, which read similar names.
function baseEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'TZ', 'LANG'];
  return Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!]));
}

/** The server, all four services in one process (the image's `temporal-server start`), on `cluster`. */
export function serverSpec(binaries: ServerBinaries, opts: { ports: ServerPorts; cluster: PostgresCluster; dynamicConfig: string }): ProcessSpec {
  const ports = Object.fromEntries(SERVER_PORT_KEYS.map((key) => [PORT_VARIABLES[key], String(opts.ports[key])]));
  return {
    command: binaries.server,
    args: ['start'],
    env: {
      ...baseEnv(),
      ...readServerEnv(),
      ...opts.cluster.connectionEnv(),
      ...ports,
      BIND_ON_IP: '127.0.0.1',
      TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
      DYNAMIC_CONFIG_FILE_PATH: opts.dynamicConfig,
    },
    inheritEnv: false,
  };
}

/** Creates or upgrades both databases with the shared script (about 2 s; a no-op when up to date). */
export async function setupSchema(binaries: ServerBinaries, cluster: PostgresCluster): Promise<void> {
  try {
    await run('sh', [SCHEMA_SCRIPT], {
      env: { ...baseEnv(), ...readServerEnv(), ...cluster.connectionEnv(), TEMPORAL_SQL_TOOL: binaries.sqlTool },
      timeoutMs: 120_000,
    });
  } catch (err) {
    throw new Error(`schema setup (${SCHEMA_SCRIPT}) on PostgreSQL 127.0.0.1:${cluster.port} failed: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The Web UI server against the frontend, configured like docker-compose.yml's temporalio/ui
 * container (the same template, docker.yaml, and the same variables).
 */
export function uiSpec(ui: UiServer, opts: { frontend: string; port: number; namespace: string; codecEndpoint?: string }): ProcessSpec {
  const origin = `http://localhost:${opts.port}`;
  return {
    command: ui.binary,
    args: ['--root', path.dirname(ui.configDir), '--config', path.basename(ui.configDir), '--env', 'docker', 'start'],
    env: {
      ...baseEnv(),
      TEMPORAL_ADDRESS: opts.frontend,
      TEMPORAL_UI_PORT: String(opts.port),
      TEMPORAL_DEFAULT_NAMESPACE: opts.namespace,
      TEMPORAL_CORS_ORIGINS: `${origin},http://127.0.0.1:${opts.port}`,
      TEMPORAL_DISABLE_NEWS_FETCH: 'true',
      ...(opts.codecEndpoint ? { TEMPORAL_CODEC_ENDPOINT: opts.codecEndpoint } : {}),
    },
    inheritEnv: false,
  };
}

const INDEXED_TYPE: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  TEXT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

type Keys = ReadonlyArray<{ name: string; type: SearchAttributeType }>;

/** Registers `keys` in the namespace (the time-skipping test server takes them only this way: it cannot list them). */
export async function addSearchAttributes(connection: Connection, namespace: string, keys: Keys = ORDER_SEARCH_ATTRIBUTES): Promise<void> {
  const searchAttributes = Object.fromEntries(keys.map((key) => [key.name, INDEXED_TYPE[key.type]]));
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
}

/** Registers those of `keys` that the namespace lacks (re-adding an existing one is an error). Returns the names added. */
export async function ensureSearchAttributes(connection: Connection, namespace: string, keys: Keys = ORDER_SEARCH_ATTRIBUTES): Promise<string[]> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = keys.filter((key) => !(key.name in (customAttributes ?? {})));
  if (missing.length) await addSearchAttributes(connection, namespace, missing);
  return missing.map((key) => key.name);
}

const ALREADY_EXISTS = 6; // gRPC status

/**
 * Makes `namespace` ready for cellarhand on a fresh or existing server: registers it (if missing,
 * with the same retention as docker-compose.yml), adds the order search attributes it lacks, and
 * waits until a visibility query on them is accepted. Returns what it did, for humans.
 */
export async function prepareNamespace(connection: Connection, namespace: string, { timeoutMs = 60_000 } = {}): Promise<string> {
  const done: string[] = [];
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs(`${NAMESPACE_RETENTION_DAYS}d`),
      description: 'cellarhand orders',
    });
    done.push(`namespace ${namespace} created (retention ${NAMESPACE_RETENTION_DAYS} days)`);
  } catch (err) {
    if ((err as { code?: number }).code !== ALREADY_EXISTS) throw err;
  }
  const deadline = Date.now() + timeoutMs;
  const retry = async <T>(what: string, attempt: () => Promise<T>): Promise<T> => {
    for (;;) {
      try {
        return await attempt();
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`${what} did not succeed within ${timeoutMs / 1000} s: ${(err as Error).message}`, { cause: err });
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  };
  // A new namespace reaches the services' caches within a couple of seconds (read-through, then refresh).
  const added = await retry(`adding search attributes to ${namespace}`, () => ensureSearchAttributes(connection, namespace));
  if (added.length) done.push(`search attributes ${added.join(', ')} added`);
  const query = ORDER_SEARCH_ATTRIBUTES.map((key) => `${key.name} = ''`).join(' OR ');
  await retry(`a visibility query on the search attributes of ${namespace}`, () => connection.workflowService.countWorkflowExecutions({ namespace, query }));
  if (added.length) {
    // The frontend now knows them; the history service, which checks upserts, refreshes its namespace
    // cache on the same 2-second interval (system.namespaceCacheRefreshInterval).
    await new Promise((r) => setTimeout(r, 2_500));
  }
  return done.length ? done.join('; ') : `namespace ${namespace} and its search attributes were in place`;
}
