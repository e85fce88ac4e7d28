/** The secrets every test and benchmark gives the example config: one set, known to all. */

/** The example EncodingAESKey from WeCom's documentation: a known, valid 43-character key. */
export const TEST_AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
export const TEST_TOKEN = "pingan-test-token";

/** The long connection's BotID and Secret the fake server accepts. */
export const TEST_BOT = { botId: "aibot-test-0001", secret: "test-bot-secret-0123456789" };

export const TEST_ENV = {
  WECOM_BOT_ID: TEST_BOT.botId,
  WECOM_BOT_SECRET: TEST_BOT.secret,
  WECOM_TOKEN: TEST_TOKEN,
  WECOM_ENCODING_AES_KEY: TEST_AES_KEY,
  WEBHOOK_KEY_PRINCIPALS: "test-key-principals",
  WEBHOOK_KEY_LEADERS: "test-key-leaders",
  PINGAN_ADMIN_TOKEN: "test-admin-token-0123456789",
};
