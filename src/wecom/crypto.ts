import { timingSafeEqual } from "node:crypto";
import { decrypt, encrypt, getSignature } from "@wecom/crypto";
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
      let opened: ReturnType<typeof decrypt>;
      try {
        opened = decrypt(encodingAESKey, ciphertext);
      } catch (err) {
        throw new CodedError(ErrorCode.WecomBadCiphertext, `cannot decrypt: ${(err as Error).message}`);
      }
      // @wecom/crypto returns garbage instead of throwing on a wrong key or a bad pad or length:
      // only a well-formed plaintext encrypts back to the very same bytes (the IV is fixed).
      const again = encrypt(encodingAESKey, opened.message, opened.id, opened.random);
      if (!Buffer.from(again, "base64").equals(Buffer.from(ciphertext, "base64"))) {
        throw new CodedError(ErrorCode.WecomBadCiphertext, "ciphertext is not a well-formed WeCom message for this key");
      }
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
