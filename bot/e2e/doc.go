// Package e2e holds the end-to-end tests of the Telegram bot: they build
// the real planbot binary, start the independent Bot API emulator
// telegram-test-api (npm, 4.2.1) on loopback, run `planbot serve` against
// it, and talk to the bot as users would, through the emulator's client
// endpoints (and, in one test, to its web API beside it). It has no code of
// its own besides the tests.
//
// Setup: bot/e2e/install.sh installs the emulator into
// bot/e2e/testdata/node_modules (PLANBOT_E2E_NODE_MODULES names another
// node_modules folder). When the emulator cannot start, the tests are
// skipped, or fail when the environment variable CI is set. TestReplicas
// also starts a PostgreSQL server (Debian's postgresql package, through
// bot/stats/pgtest), with the same rule.
package e2e
