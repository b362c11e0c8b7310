// Preloaded into the emulator (node --require webhook_secret.js emulator.js
// PORT). telegram-test-api 4.2.1 posts updates to a webhook set with
// setWebhook, but never sends its secret_token back, as Telegram does in
// the X-Telegram-Bot-Api-Secret-Token header of every request; this adds
// the header, so that planbot's webhook, which refuses requests without
// it, can be tested end to end.
'use strict';

const axios = require('axios');
const TelegramServer = require('telegram-test-api');

const secrets = new Map(); // webhook URL → its secret

const setWebhook = TelegramServer.prototype.setWebhook;
TelegramServer.prototype.setWebhook = function (webhook, botToken) {
  if (webhook && webhook.url && webhook.secret_token) {
    secrets.set(webhook.url, webhook.secret_token);
  }
  return setWebhook.call(this, webhook, botToken);
};

axios.interceptors.request.use((config) => {
  const secret = secrets.get(config.url);
  if (secret) {
    config.headers = Object.assign({}, config.headers, { 'X-Telegram-Bot-Api-Secret-Token': secret });
  }
  return config;
});
