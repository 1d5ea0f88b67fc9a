// The payload codec: AES-256-GCM, key id in the metadata, rotation, pass-through of clear payloads.
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { AesGcmCodec, PayloadDecryptionError } from '../../temporal/codec';
import { createDataConverter } from '../../temporal/data-converter';
import { failureConverter } from '../../temporal/failure-converter';
import { loadConfig } from '../../config';

const oldKey = { id: 'key-2026-01', key: randomBytes(32) };
const newKey = { id: 'key-2026-11', key: randomBytes(32) };
const customer = { name: 'Quillon Marchetti-Vale', email: 'q.marchetti-vale@example.org', address1: '77 Obsidian Terrace', dob: '1979-02-28' };

const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');
const metadataText = (p: Payload) => Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, text(v)]));

describe('AesGcmCodec', () => {
  test('round trip: the encoded payload hides the data, decoding gives back metadata and data', async () => {
    const codec = new AesGcmCodec([newKey]);
    const original = defaultPayloadConverter.toPayload(customer);
    const [encoded] = await codec.encode([original]);
    expect(metadataText(encoded)).toEqual({ encoding: 'binary/encrypted', 'encryption-key-id': 'key-2026-11' });
    for (const value of Object.values(customer)) expect(text(encoded.data)).not.toContain(value);
    expect(encoded.data!.length).toBeGreaterThan(12 + 16);

    const [decoded] = await codec.decode([encoded]);
    expect(metadataText(decoded)).toEqual(metadataText(original));
    expect(defaultPayloadConverter.fromPayload(decoded)).toEqual(customer);
  });

  test('the same payload encrypts differently every time (random IV)', async () => {
    const codec = new AesGcmCodec([newKey]);
    const payload = defaultPayloadConverter.toPayload('same');
    const [a, b] = await codec.encode([payload, payload]);
    expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
  });

  test('empty payloads and an empty list survive the round trip', async () => {
    const codec = new AesGcmCodec([newKey]);
    expect(await codec.encode([])).toEqual([]);
    const undef = defaultPayloadConverter.toPayload(undefined);
    const [decoded] = await codec.decode(await codec.encode([undef]));
    expect(defaultPayloadConverter.fromPayload(decoded)).toBeUndefined();
  });

  test('rotation: payloads written with the old key still decode once a new key is put first; new payloads use the new key', async () => {
    const before = new AesGcmCodec([oldKey]);
    const [old] = await before.encode([defaultPayloadConverter.toPayload(customer)]);
    expect(metadataText(old)['encryption-key-id']).toBe('key-2026-01');

    const after = new AesGcmCodec([newKey, oldKey]);
    expect(after.currentKeyId).toBe('key-2026-11');
    expect(defaultPayloadConverter.fromPayload((await after.decode([old]))[0])).toEqual(customer);
    const [fresh] = await after.encode([defaultPayloadConverter.toPayload(customer)]);
    expect(metadataText(fresh)['encryption-key-id']).toBe('key-2026-11');
    // …which the old configuration cannot read.
    await expect(before.decode([fresh])).rejects.toThrow(PayloadDecryptionError);
  });

  test('an unknown key id is a clear error naming the id, never a key', async () => {
    const [encoded] = await new AesGcmCodec([oldKey]).encode([defaultPayloadConverter.toPayload(customer)]);
    const err = await new AesGcmCodec([newKey]).decode([encoded]).catch((e: Error) => e);
    expect(err).toBeInstanceOf(PayloadDecryptionError);
    expect((err as Error).message).toMatch(/key id "key-2026-01"/);
    expect((err as Error).message).toMatch(/CODEC_KEYS/);
    for (const k of [oldKey, newKey]) {
      expect((err as Error).message).not.toContain(k.key.toString('base64'));
      expect((err as Error).message).not.toContain(k.key.toString('hex'));
    }
  });

  test('tampered ciphertext, tag or IV fails authentication; so does relabelling with another key id', async () => {
    const codec = new AesGcmCodec([newKey, oldKey]);
    const [encoded] = await codec.encode([defaultPayloadConverter.toPayload(customer)]);
    for (const index of [0, 20, encoded.data!.length - 1]) {
      const data = Buffer.from(encoded.data!);
      data[index] ^= 0x01;
      await expect(codec.decode([{ ...encoded, data }])).rejects.toThrow(/failed authentication/);
    }
    const relabelled = { ...encoded, metadata: { ...encoded.metadata, 'encryption-key-id': Buffer.from('key-2026-01') } };
    await expect(codec.decode([relabelled])).rejects.toThrow(/failed authentication/);
    await expect(codec.decode([{ ...encoded, data: Buffer.alloc(10) }])).rejects.toThrow(/too short/);
    const { 'encryption-key-id': _dropped, ...noKeyId } = encoded.metadata!;
    await expect(codec.decode([{ ...encoded, metadata: noKeyId }])).rejects.toThrow(/encryption-key-id/);
  });

  test('payloads that are not binary/encrypted pass through decode unchanged (histories from before encryption)', async () => {
    const codec = new AesGcmCodec([newKey]);
    const clear = defaultPayloadConverter.toPayload(customer);
    const binary = defaultPayloadConverter.toPayload(new Uint8Array([1, 2, 3]));
    const bare: Payload = { data: Buffer.from('x') };
    const decoded = await codec.decode([clear, binary, bare]);
    expect(decoded[0]).toBe(clear);
    expect(decoded[1]).toBe(binary);
    expect(decoded[2]).toBe(bare);
  });

  test('refuses bad key sets', () => {
    expect(() => new AesGcmCodec([])).toThrow(/at least one key/);
    expect(() => new AesGcmCodec([{ id: 'short', key: randomBytes(16) }])).toThrow(/32 bytes/);
    expect(() => new AesGcmCodec([newKey, { ...newKey }])).toThrow(/twice/);
  });
});

describe('createDataConverter', () => {
  test('uses the configured keys (first encrypts) and the encoding failure converter', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      CODEC_KEYS: `${newKey.id}:${newKey.key.toString('base64')},${oldKey.id}:${oldKey.key.toString('base64')}`,
    });
    const converter = createDataConverter(config.codec);
    expect(converter.payloadCodecs).toHaveLength(1);
    const [encoded] = await converter.payloadCodecs![0].encode([defaultPayloadConverter.toPayload('x')]);
    expect(text(encoded.metadata!['encryption-key-id'])).toBe(newKey.id);
    expect(require(converter.failureConverterPath!).failureConverter).toBe(failureConverter);
  });

  test('the failure converter moves message and stack trace into an encoded attribute', () => {
    const failure = failureConverter.errorToFailure(new Error(`Vinoshipper refused ${customer.address1}`), defaultPayloadConverter);
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace).toBe('');
    expect(JSON.stringify(failure.encodedAttributes ? defaultPayloadConverter.fromPayload(failure.encodedAttributes) : null)).toContain(customer.address1);
    expect(failureConverter.failureToError(failure, defaultPayloadConverter).message).toBe(`Vinoshipper refused ${customer.address1}`);
  });
});
