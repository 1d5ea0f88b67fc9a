// One Temporal server config for both worlds: docker-compose.yml and the native run
// (scripts/temporal-server/) must use the same versions, the same settings, the same dynamic config,
// the same schema steps and the same namespace set-up. These tests read the compose file as docker
// compose would (anchors and merge keys resolved) and compare.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ORDER_SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { projectRoot } from '../../scripts/temporal-binaries';
import { SERVER_PINS } from '../../scripts/temporal-server/binaries';
import { PostgresCluster } from '../../scripts/temporal-server/postgres';
import {
  devServerDynamicConfigArgs,
  DYNAMIC_CONFIG_FILE,
  NAMESPACE_RETENTION_DAYS,
  portBlock,
  readServerEnv,
  SCHEMA_SCRIPT,
  SERVER_CONFIG_DIR,
  SERVER_ENV_FILE,
  serverSpec,
} from '../../scripts/temporal-server/server';

interface Service {
  image: string;
  env_file?: string | string[];
  environment?: Record<string, string>;
  volumes?: string[];
  entrypoint?: string[];
  command?: string[];
}

const ROOT = projectRoot();
const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const { services } = compose;

/** Where a compose volume puts a folder of the repository inside the container. */
function mountOf(service: Service, hostDir: string): string | undefined {
  for (const volume of service.volumes ?? []) {
    const [host, container] = volume.split(':');
    if (path.resolve(ROOT, host) === hostDir) return container;
  }
  return undefined;
}

test('the images are the pinned versions the native run builds', () => {
  expect(services.temporal.image).toBe(SERVER_PINS.images.server);
  expect(services['temporal-schema'].image).toBe(SERVER_PINS.images.adminTools);
  expect(services['temporal-admin-tools'].image).toBe(SERVER_PINS.images.adminTools);
  expect(services['temporal-ui'].image).toBe(SERVER_PINS.images.ui);
  // …and those pins agree with the Go module versions built natively.
  expect(SERVER_PINS.images.server).toBe(`temporalio/server:${SERVER_PINS.server.version}`);
  expect(SERVER_PINS.images.adminTools).toBe(`temporalio/admin-tools:${SERVER_PINS.server.version}`);
  expect(SERVER_PINS.images.ui).toBe(`temporalio/ui:${SERVER_PINS.ui.version}`);
});

test("the pinned server is the CLI dev server's release line, and the UI its UI", () => {
  const cli = JSON.parse(process.env.CELLARHAND_TEST_CLI ?? 'null') as { type: string; path?: string } | null;
  if (cli?.type !== 'existing-path') throw new Error('run through jest: the global setup provides the Temporal CLI');
  const version = execFileSync(cli.path!, ['--version'], { encoding: 'utf8' }); // "temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)"
  const [, server, ui] = /Server (\d+\.\d+)\.\d+, UI (\S+)\)/.exec(version) ?? [];
  expect(SERVER_PINS.server.version.startsWith(`${server}.`)).toBe(true);
  expect(SERVER_PINS.ui.version).toBe(ui);
});

test('the server and the schema step read the shared settings, and compose overrides none of them', () => {
  const shared = readServerEnv();
  expect(Object.keys(shared)).toEqual(expect.arrayContaining(['DB', 'DBNAME', 'VISIBILITY_DBNAME', 'NUM_HISTORY_SHARDS']));
  for (const name of ['temporal', 'temporal-schema']) {
    const service = services[name];
    const envFiles = [service.env_file ?? []].flat().map((f) => path.resolve(ROOT, f));
    expect(envFiles).toContain(SERVER_ENV_FILE);
    const overridden = Object.keys(service.environment ?? {}).filter((key) => key in shared);
    expect(overridden).toEqual([]);
    expect(mountOf(service, SERVER_CONFIG_DIR)).toBeDefined();
  }
});

test('the native server gets the same settings, and only its addresses and ports differ', () => {
  const cluster = new PostgresCluster(
    '/tmp/cellarhand-test-cluster',
    25242,
    { bin: '/nonexistent', major: 15, version: '15', source: 'test' },
    { name: 'test' },
  );
  const { env } = serverSpec(
    { server: 'temporal-server', sqlTool: 'temporal-sql-tool', source: 'test' },
    { ports: portBlock(25233).server, cluster, dynamicConfig: DYNAMIC_CONFIG_FILE },
  );
  expect(env).toMatchObject(readServerEnv());
  // The same variables name the database in both worlds (the compose values are the container network's).
  const composeDb = Object.keys(services.temporal.environment ?? {}).filter((key) => /^(POSTGRES_|DB_PORT$)/.test(key));
  expect(composeDb.sort()).toEqual(Object.keys(cluster.connectionEnv()).sort());
  expect(env.FRONTEND_GRPC_PORT).toBe('25233');
});

test('both read the same dynamic config file', () => {
  const mount = mountOf(services.temporal, SERVER_CONFIG_DIR)!;
  expect(services.temporal.environment?.DYNAMIC_CONFIG_FILE_PATH).toBe(path.posix.join(mount, path.relative(SERVER_CONFIG_DIR, DYNAMIC_CONFIG_FILE)));
});

test('both set up the schemas with the same script', () => {
  const schema = services['temporal-schema'];
  const mount = mountOf(schema, SERVER_CONFIG_DIR)!;
  expect(schema.entrypoint).toEqual(['/bin/sh', path.posix.join(mount, path.relative(SERVER_CONFIG_DIR, SCHEMA_SCRIPT))]);
  // The steps the issue names: create, set up from 0.0, upgrade to the newest, for both databases.
  const script = readFileSync(SCHEMA_SCRIPT, 'utf8');
  for (const step of ['create-database', 'setup-schema -v 0.0', 'update-schema -s']) expect(script).toContain(step);
});

test("compose creates the namespace with the native run's retention and every order search attribute", () => {
  const script = (services['temporal-admin-tools'].command ?? []).join('\n');
  expect(script).toContain(`--retention ${NAMESPACE_RETENTION_DAYS}d`);
  const names = /for name in ([^;]+); do/.exec(script)?.[1].trim().split(/\s+/);
  expect(names).toEqual(ORDER_SEARCH_ATTRIBUTES.map((key) => key.name));
  // Compose creates them all as Keyword.
  expect(ORDER_SEARCH_ATTRIBUTES.every((key) => key.type === 'KEYWORD')).toBe(true);
});

test('the dev server gets the shared dynamic config as flags (failing workflows flagged there too), test values last', () => {
  const args = devServerDynamicConfigArgs({ 'limit.historyCount.suggestContinueAsNew': 60 });
  const values = Object.fromEntries(
    args.filter((_, i) => i % 2 === 1).map((flag) => [flag.slice(0, flag.indexOf('=')), JSON.parse(flag.slice(flag.indexOf('=') + 1))]),
  );
  expect(args.filter((_, i) => i % 2 === 0).every((flag) => flag === '--dynamic-config-value')).toBe(true);
  expect(values).toEqual({
    'frontend.enableServerVersionCheck': false,
    'system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute': 2,
    'limit.historyCount.suggestContinueAsNew': 60,
  });
});
