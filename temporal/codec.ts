// Encrypts every Temporal payload cellarhand writes (workflow inputs, signals, activity arguments and
// results, query answers, memo, the Web UI summary and details, encoded failure messages) with
// AES-256-GCM, so the personal data orders carry (names, emails, addresses, dates of birth) is never
// stored in Temporal in clear. Search attributes are not payloads the codec sees: they stay readable
// and must never hold personal data.
//
// Wire format of an encrypted payload:
//   metadata  encoding: binary/encrypted, encryption-key-id: <key id>
//   data      12-byte random IV ‖ ciphertext ‖ 16-byte GCM tag
// The plaintext is the whole original Payload (its metadata and data) as protobuf bytes; the key id
// is bound as additional authenticated data, so relabelling a payload with another key id fails.
//
// Key rotation: the first key encrypts, every key decrypts. Add a new key in front, keep the old
// ones until no history that needs them is retained.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCODING_ENCRYPTED = 'binary/encrypted';
export const METADATA_ENCODING_KEY = 'encoding';
export const METADATA_KEY_ID_KEY = 'encryption-key-id';

const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export interface CodecKey {
  id: string;
  key: Buffer;
}

/** A payload could not be decrypted. The message names the key id at most; never key material or payload contents. */
export class PayloadDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadDecryptionError';
  }
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export class AesGcmCodec implements PayloadCodec {
  private readonly encryptWith: CodecKey;
  private readonly keysById: Map<string, Buffer>;

  /** `keys[0]` encrypts; all of them decrypt (rotation). */
  constructor(keys: readonly CodecKey[]) {
    if (keys.length === 0) throw new Error('AesGcmCodec needs at least one key');
    this.keysById = new Map();
    for (const { id, key } of keys) {
      if (!id) throw new Error('AesGcmCodec: every key needs an id');
      if (key.length !== KEY_BYTES) throw new Error(`AesGcmCodec: key "${id}" must be ${KEY_BYTES} bytes (AES-256)`);
      if (this.keysById.has(id)) throw new Error(`AesGcmCodec: key id "${id}" appears twice`);
      this.keysById.set(id, Buffer.from(key));
    }
    this.encryptWith = { id: keys[0].id, key: this.keysById.get(keys[0].id)! };
  }

  /** The id new payloads are encrypted with. */
  get currentKeyId(): string {
    return this.encryptWith.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decrypt(payload));
  }

  private encrypt(payload: Payload): Payload {
    const { id, key } = this.encryptWith;
    const plaintext = temporal.api.common.v1.Payload.encode(payload).finish();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(utf8.encode(id));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: utf8.encode(ENCODING_ENCRYPTED),
        [METADATA_KEY_ID_KEY]: utf8.encode(id),
      },
      data: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]),
    };
  }

  private decrypt(payload: Payload): Payload {
    const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
    // Not ours (written before encryption was switched on, or by another codec): leave it as it is.
    if (!encoding || fromUtf8.decode(encoding) !== ENCODING_ENCRYPTED) return payload;

    const rawId = payload.metadata?.[METADATA_KEY_ID_KEY];
    if (!rawId) throw new PayloadDecryptionError(`Encrypted payload has no ${METADATA_KEY_ID_KEY} metadata`);
    const id = fromUtf8.decode(rawId);
    const key = this.keysById.get(id);
    if (!key) {
      throw new PayloadDecryptionError(`Encrypted payload uses key id "${printable(id)}", which is not among the configured CODEC_KEYS`);
    }
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`Encrypted payload (key id "${id}") is too short to be valid`);
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const iv = bytes.subarray(0, IV_BYTES);
    const tag = bytes.subarray(bytes.length - TAG_BYTES);
    const ciphertext = bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES);
    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv(CIPHER, key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(rawId);
      decipher.setAuthTag(tag);
      plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(
        `Encrypted payload (key id "${id}") failed authentication: it was altered, or the key for this id is not the one it was encrypted with`,
      );
    }
    const inner = temporal.api.common.v1.Payload.decode(plaintext);
    return { metadata: inner.metadata, data: inner.data, ...(inner.externalPayloads?.length ? { externalPayloads: inner.externalPayloads } : {}) };
  }
}

/** Key ids come from stored metadata: keep an error message readable whatever bytes it holds. */
function printable(id: string): string {
  return id.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);
}
