// Provisioning of the PostgreSQL backend (scripts/temporal-server/): every case passes its own env,
// cache folder and fake programs, so nothing here builds, installs or touches the network.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../scripts/lib/ports';
import { SERVER_PINS, temporalServerBinaries, TemporalServerBinaryError, temporalUiServer } from '../../scripts/temporal-server/binaries';
import { PostgresCluster, PostgresError, postgresBinaries } from '../../scripts/temporal-server/postgres';
import { readServerEnv } from '../../scripts/temporal-server/server';

let tmp: string;
let cacheDir: string;
let emptyDir: string;

beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'cellarhand-server-bin-'));
  cacheDir = path.join(tmp, 'cache');
  emptyDir = path.join(tmp, 'empty');
  mkdirSync(emptyDir);
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function script(dir: string, name: string, body: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

const serverDir = () => path.join(cacheDir, 'temporal-server', `v${SERVER_PINS.server.version}`);
// The fake `go` needs sh, mkdir, cat, env… from the real PATH, after its own folder.
const withGo = (goDir: string) => ({ PATH: `${goDir}${path.delimiter}/usr/bin${path.delimiter}/bin`, HOME: tmp });

describe('the Temporal server and schema tool', () => {
  test('TEMPORAL_SERVER_PATH and TEMPORAL_SQL_TOOL_PATH win when both exist', async () => {
    const server = script(tmp, 'my-server', 'exit 0');
    const sqlTool = script(tmp, 'my-sql', 'exit 0');
    await expect(temporalServerBinaries({ env: { TEMPORAL_SERVER_PATH: server, TEMPORAL_SQL_TOOL_PATH: sqlTool }, cacheDir })).resolves.toMatchObject({
      server,
      sqlTool,
    });
  });

  test('only one of the two overrides, or one that does not exist, is an error naming it', async () => {
    const server = script(tmp, 'my-server', 'exit 0');
    await expect(temporalServerBinaries({ env: { TEMPORAL_SERVER_PATH: server }, cacheDir })).rejects.toThrow(
      'TEMPORAL_SQL_TOOL_PATH: not set (set both or neither)',
    );
    const missing = path.join(tmp, 'nope');
    await expect(temporalServerBinaries({ env: { TEMPORAL_SERVER_PATH: missing, TEMPORAL_SQL_TOOL_PATH: server }, cacheDir })).rejects.toThrow(
      `TEMPORAL_SERVER_PATH=${missing}: no such file`,
    );
  });

  test('a build in the cache is used as it is', async () => {
    script(serverDir(), 'temporal-server', 'exit 0');
    script(serverDir(), 'temporal-sql-tool', 'exit 0');
    const found = await temporalServerBinaries({ env: { PATH: emptyDir }, cacheDir, install: false });
    expect(found).toEqual({
      server: path.join(serverDir(), 'temporal-server'),
      sqlTool: path.join(serverDir(), 'temporal-sql-tool'),
      source: `cached in ${serverDir()}`,
    });
  });

  test('builds both with one static `go install` of the pinned version, into the cache by version', async () => {
    const record = path.join(tmp, 'go-call');
    const goDir = path.join(tmp, 'go-bin');
    script(goDir, 'go', `echo "$@" > '${record}'; env | grep -E '^(CGO_ENABLED|GOTOOLCHAIN)=' | sort >> '${record}'; touch "$GOBIN/server" "$GOBIN/sql"`);
    const lines: string[] = [];
    const built = await temporalServerBinaries({ env: withGo(goDir), cacheDir, log: (l) => lines.push(l) });
    expect(built.server).toBe(path.join(serverDir(), 'temporal-server'));
    expect(built.source).toContain(`@v${SERVER_PINS.server.version}`);
    expect(existsSync(built.server) && existsSync(built.sqlTool)).toBe(true);
    const [args, ...env] = readFileSync(record, 'utf8').trim().split('\n');
    expect(args).toBe(`install -trimpath -ldflags=-s -w go.temporal.io/server/cmd/server@v1.32.1 go.temporal.io/server/cmd/tools/sql@v1.32.1`);
    expect(env).toEqual(['CGO_ENABLED=0', 'GOTOOLCHAIN=local']);
    expect(lines.join('\n')).toMatch(/building Temporal server v1\.32\.1/);
    // A second call builds nothing.
    rmSync(record);
    await expect(temporalServerBinaries({ env: withGo(goDir), cacheDir })).resolves.toMatchObject({ source: `cached in ${serverDir()}` });
    expect(existsSync(record)).toBe(false);
  });

  test("a failed build leaves no half binary and the error gives go's reason", async () => {
    const goDir = path.join(tmp, 'go-bin');
    script(
      goDir,
      'go',
      `touch "$GOBIN/server"; echo 'go: go.temporal.io/server@v1.32.1 requires go >= 1.26.5 (running go 1.25.1; GOTOOLCHAIN=local)' >&2; exit 1`,
    );
    const error: Error = await temporalServerBinaries({ env: withGo(goDir), cacheDir }).catch((e) => e);
    expect(error).toBeInstanceOf(TemporalServerBinaryError);
    expect(error.message).toContain('requires go >= 1.26.5 (running go 1.25.1');
    expect(existsSync(path.join(serverDir(), 'temporal-server'))).toBe(false);
  });

  test('when nothing works, the error lists every source tried and what to do', async () => {
    const error: Error = await temporalServerBinaries({ env: { PATH: emptyDir }, cacheDir }).catch((e) => e);
    expect(error).toBeInstanceOf(TemporalServerBinaryError);
    for (const expected of [
      'TEMPORAL_SERVER_PATH, TEMPORAL_SQL_TOOL_PATH: not set',
      `${serverDir()}: not built yet`,
      'go install go.temporal.io/server/{cmd/server,cmd/tools/sql}@v1.32.1: go not found on PATH',
      'install Go 1.26.5 or newer',
      'npm run provision -- --postgres',
    ]) {
      expect(error.message).toContain(expected);
    }
  });

  test('the Web UI server is built beside it with the UI image config template, listening on 127.0.0.1', async () => {
    const goDir = path.join(tmp, 'go-bin');
    const moduleDir = path.join(tmp, 'ui-module');
    mkdirSync(path.join(moduleDir, 'config'), { recursive: true });
    writeFileSync(path.join(moduleDir, 'config', 'docker.yaml'), 'temporalGrpcAddress: {{ env "TEMPORAL_ADDRESS" }}\n');
    script(goDir, 'go', `if [ "$1" = install ]; then touch "$GOBIN/server"; else echo '{"Dir": "${moduleDir}"}'; fi`);
    const ui = await temporalUiServer({ env: withGo(goDir), cacheDir });
    expect(ui.binary).toBe(path.join(cacheDir, 'temporal-ui-server', `v${SERVER_PINS.ui.version}`, 'temporal-ui-server'));
    expect(readFileSync(path.join(ui.configDir, 'docker.yaml'), 'utf8')).toContain('TEMPORAL_ADDRESS');
    expect(readFileSync(path.join(ui.configDir, 'base.yaml'), 'utf8')).toContain('host: 127.0.0.1');
  });
});

describe('PostgreSQL', () => {
  const fakePostgres = (dir: string, version: string, withInitdb = true) => {
    script(dir, 'postgres', `echo "postgres (PostgreSQL) ${version} (Fake)"`);
    if (withInitdb) script(dir, 'initdb', 'exit 0');
    return dir;
  };

  test('CELLARHAND_POSTGRES_BIN is used when it holds a new enough server, and refused with the reason otherwise', async () => {
    const good = fakePostgres(path.join(tmp, 'pg16'), '16.4');
    await expect(postgresBinaries({ env: { CELLARHAND_POSTGRES_BIN: good }, install: false })).resolves.toMatchObject({
      bin: good,
      major: 16,
      version: '16.4',
    });
    const old = fakePostgres(path.join(tmp, 'pg11'), '11.22');
    await expect(postgresBinaries({ env: { CELLARHAND_POSTGRES_BIN: old }, install: false })).rejects.toThrow('PostgreSQL 11 is older than 12');
    const half = fakePostgres(path.join(tmp, 'half'), '15.1', false);
    await expect(postgresBinaries({ env: { CELLARHAND_POSTGRES_BIN: half }, install: false })).rejects.toThrow('no executable initdb');
  });

  test("finds Debian's versioned folders off PATH, newest first", async () => {
    const root = path.join(tmp, 'usr-lib-postgresql');
    fakePostgres(path.join(root, '14', 'bin'), '14.9');
    fakePostgres(path.join(root, '16', 'bin'), '16.2');
    await expect(postgresBinaries({ env: { PATH: emptyDir }, versionedRoot: root, install: false })).resolves.toMatchObject({
      bin: path.join(root, '16', 'bin'),
      major: 16,
      source: root,
    });
  });

  test('when none is found, the error lists what was tried and says exactly what to install', async () => {
    const error: Error = await postgresBinaries({ env: { PATH: emptyDir }, versionedRoot: path.join(tmp, 'none'), install: false }).catch((e) => e);
    expect(error).toBeInstanceOf(PostgresError);
    for (const expected of ['CELLARHAND_POSTGRES_BIN: not set', 'no `postgres`', 'apt-get install postgresql: skipped', 'sudo apt-get install postgresql']) {
      expect(error.message).toContain(expected);
    }
  });

  test('a cluster made by another major version is refused, not overwritten', async () => {
    const dir = path.join(tmp, 'cluster');
    mkdirSync(path.join(dir, 'data'), { recursive: true });
    writeFileSync(path.join(dir, 'data', 'PG_VERSION'), '14\n');
    const cluster = new PostgresCluster(dir, 5999, { bin: '/nowhere', major: 16, version: '16.2', source: 'test' }, { name: 'test' });
    await expect(cluster.init()).rejects.toThrow(/holds a PostgreSQL 14 cluster, but the server found is 16\.2/);
    expect(readFileSync(path.join(dir, 'data', 'PG_VERSION'), 'utf8')).toBe('14\n');
  });
});

test('a line of server.env that is not KEY=VALUE is an error naming the file and the line', () => {
  const file = path.join(tmp, 'server.env');
  writeFileSync(file, '# comment\nDB=postgres12\n\nNUM_HISTORY_SHARDS 4\n');
  expect(() => readServerEnv(file)).toThrow(`${file}: not KEY=VALUE: NUM_HISTORY_SHARDS 4`);
  writeFileSync(file, '# comment\nDB=postgres12\nLOG_LEVEL=warn\n');
  expect(readServerEnv(file)).toEqual({ DB: 'postgres12', LOG_LEVEL: 'warn' });
});

test('membership ports are free and fit the SMALLINT column the server keeps them in', async () => {
  const port = await freePort();
  expect(port).toBeLessThan(32_768);
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  await new Promise((resolve) => server.close(resolve));
});
