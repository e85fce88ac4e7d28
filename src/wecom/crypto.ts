import { createDecipheriv, timingSafeEqual } from "node:crypto";
import { encrypt, getSignature } from "@wecom/crypto";
import { CodedError, ErrorCode } from "../errors.js";

/** Why a WeCom crypto operation was refused: a key, ciphertext or receiveid that does not check out. */
export const WECOM_CRYPTO_CODES = [ErrorCode.WecomBadKey, ErrorCode.WecomBadCiphertext, ErrorCode.WecomBadReceiveid] as const;

/** Secrets of one smart bot, as shown on its WeCom admin page. */
export interface WecomCryptoOptions {
  token: string;
  /** 43 characters, base64 of the 32-byte AES key without its trailing "=". */
  encodingAESKey: string;
}

/** The body of a passive reply (wecom-protocol.md, "Passive reply"). */
export interface SealedReply {
  encrypt: string;
  msgsignature: string;
  timestamp: number;
  nonce: string;
}

/** Signature, decryption and sealing for one smart bot in callback mode (receiveid ""). */
export interface WecomCrypto {
  /**
   * Whether `signature` is the sha1 of (token, timestamp, nonce, encrypt), compared in
   * constant time. False for anything that is not 40 hex digits or not a string; never throws.
   */
  verify(signature: unknown, timestamp: unknown, nonce: unknown, encrypt: unknown): boolean;
  /** Decrypts a verified `encrypt` value; throws a CodedError (`bad_ciphertext`, `bad_receiveid`). */
  open(encrypt: string): string;
  /** Encrypts and signs `plain` as the body of a passive reply to a callback with this nonce. */
  seal(plain: object, nonce: string, timestamp: number): SealedReply;
  /** Encrypts a raw string with receiveid "" (or the one given); used by the simulator. */
  encrypt(message: string, receiveid?: string): string;
  /** The sha1 hex signature of (token, timestamp, nonce, encrypt). */
  sign(timestamp: string | number, nonce: string, encrypt: string): string;
}

const SIGNATURE = /^[0-9a-fA-F]{40}$/;
const AES_KEY = /^[A-Za-z0-9+/]{43}$/;

/** Checks the EncodingAESKey once, up front, and returns the bot's crypto helpers. */
export function createWecomCrypto({ token, encodingAESKey }: WecomCryptoOptions): WecomCrypto {
  checkKey(encodingAESKey);
  const key = Buffer.from(`${encodingAESKey}=`, "base64");
  const iv = key.subarray(0, 16);

  const sign = (timestamp: string | number, nonce: string, ciphertext: string) =>
    getSignature(token, timestamp, nonce, ciphertext);

  const seal = (message: string, receiveid = "") => encrypt(encodingAESKey, message, receiveid);

  return {
    verify(signature, timestamp, nonce, ciphertext) {
      if (typeof signature !== "string" || !SIGNATURE.test(signature)) return false;
      if (typeof nonce !== "string" || typeof ciphertext !== "string") return false;
      if (typeof timestamp !== "string" && !(typeof timestamp === "number" && Number.isFinite(timestamp))) {
        return false;
      }
      const expected = Buffer.from(sign(timestamp, nonce, ciphertext), "hex");
      return timingSafeEqual(Buffer.from(signature, "hex"), expected);
    },

    open(ciphertext) {
      let plain: Buffer;
      try {
        const decipher = createDecipheriv("aes-256-cbc", key, iv).setAutoPadding(false);
        plain = Buffer.concat([decipher.update(ciphertext, "base64"), decipher.final()]);
      } catch (err) {
        throw new CodedError(ErrorCode.WecomBadCiphertext, `cannot decrypt: ${(err as Error).message}`);
      }
      const opened = readPlaintext(plain);
      if (!opened) throw new CodedError(ErrorCode.WecomBadCiphertext, "ciphertext is not a well-formed WeCom message for this key");
      if (opened.id !== "") {
        throw new CodedError(ErrorCode.WecomBadReceiveid, `receiveid must be "" for a smart bot, got ${JSON.stringify(opened.id)}`);
      }
      return opened.message;
    },

    seal(plain, nonce, timestamp) {
      const ciphertext = seal(JSON.stringify(plain));
      return { encrypt: ciphertext, msgsignature: sign(timestamp, nonce, ciphertext), timestamp, nonce };
    },

    encrypt: seal,
    sign,
  };
}

/**
 * The message and receiveid of a decrypted WeCom plaintext (16 random bytes, the message's
 * length as 4 bytes, the message, the receiveid, PKCS#7 padding to 32 bytes), or undefined when
 * it is not one: what a wrong key or a damaged body decrypts to. @wecom/crypto's decrypt returns
 * garbage instead, so this checks each part, which is what encrypting its reading back to the
 * very same bytes checked (the IV is fixed): a whole number of 32-byte blocks, padding of 1 to
 * 32 bytes each holding its length, a length that fits, and text that is UTF-8 as it stands.
 */
function readPlaintext(plain: Buffer): { message: string; id: string } | undefined {
  if (plain.length === 0 || plain.length % 32 !== 0) return undefined;
  const padding = plain[plain.length - 1]!;
  if (padding < 1 || padding > 32) return undefined;
  const end = plain.length - padding;
  for (let i = end; i < plain.length; i += 1) if (plain[i] !== padding) return undefined;
  if (end < 20) return undefined;
  const messageEnd = 20 + plain.readUInt32BE(16);
  if (messageEnd > end) return undefined;
  const message = utf8(plain.subarray(20, messageEnd));
  const id = utf8(plain.subarray(messageEnd, end));
  return message === undefined || id === undefined ? undefined : { message, id };
}

/** The bytes as text when they are UTF-8 as they stand (decoding replaces what is not, so it would not encode back). */
function utf8(bytes: Buffer): string | undefined {
  const text = bytes.toString();
  return Buffer.from(text).equals(bytes) ? text : undefined;
}

function checkKey(encodingAESKey: string): void {
  if (typeof encodingAESKey !== "string" || !AES_KEY.test(encodingAESKey)) {
    const length = typeof encodingAESKey === "string" ? encodingAESKey.length : 0;
    throw new CodedError(
      ErrorCode.WecomBadKey,
      `EncodingAESKey must be the 43 letters and digits shown on the bot's WeCom page (got ${length} characters)`,
    );
  }
  if (Buffer.from(`${encodingAESKey}=`, "base64").length !== 32) {
    throw new CodedError(ErrorCode.WecomBadKey, "EncodingAESKey does not decode to a 32-byte AES key");
  }
}
