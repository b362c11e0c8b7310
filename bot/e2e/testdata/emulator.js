// Starts the telegram-test-api emulator on loopback for the end-to-end
// tests of planbot serve: `node emulator.js PORT`. Prints "LISTENING PORT"
// once it accepts connections, and stops when its standard input closes
// (the test that started it ended) or on SIGTERM/SIGINT.
'use strict';

const TelegramServer = require('telegram-test-api');

async function main() {
  const port = Number(process.argv[2]);
  if (!Number.isInteger(port) || port <= 0) {
    throw new Error('usage: node emulator.js PORT');
  }
  // storeTimeout: keep unread messages for the whole test run.
  const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 3600 });
  await server.start();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    process.exit(0);
  };
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  console.log('LISTENING ' + port);
}

main().catch((err) => {
  console.error('emulator: ' + (err && err.message ? err.message : err));
  process.exit(1);
});
