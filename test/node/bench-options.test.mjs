// `npm run bench`'s command line (scripts/bench/options.mjs): the variants each mode runs by
// default, the network mode's options taking their value as the next argument or after `=`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArgs, VARIANTS } from '../../scripts/bench/options.mjs';

test('by default the loopback runs a–d and the network mode every variant, prepare() ones included', () => {
  const options = parseArgs([]);
  assert.deepEqual(options.loopbackVariants, ['a', 'b', 'c', 'd']);
  assert.deepEqual(options.variants, ['a', 'b', 'c', 'd', 'e', 'f']);
  assert.deepEqual(Object.keys(VARIANTS), ['a', 'b', 'c', 'd', 'e', 'f']);
  assert.equal(options.thinkMs, 1000);
  assert.equal(options.http, '2');
});

test('--variants chooses for both modes; an unknown one is a usage error naming the known ones', () => {
  const options = parseArgs(['--variants', 'ae']);
  assert.deepEqual(options.variants, ['a', 'e']);
  assert.deepEqual(options.loopbackVariants, ['a', 'e']);
  assert.throws(
    () => parseArgs(['--variants', 'ax']),
    (error) => error.usage === true && /a, b, c, d, e, f/.test(error.message),
  );
});

test('--page-token-rtt takes the next argument (a number or none), or its value after =', () => {
  assert.equal(parseArgs(['--page-token-rtt', '20', '--titles', '0']).pageTokenRtt, 20);
  assert.equal(parseArgs(['--page-token-rtt', 'none']).pageTokenRtt, null);
  assert.equal(parseArgs(['--page-token-rtt=150']).pageTokenRtt, 150);
  assert.equal(parseArgs(['--page-token-rtt', '20', '--titles', '0']).titles, 0);
});

test('--think-ms sets when the user presses play; a negative value is refused', () => {
  assert.equal(parseArgs(['--think-ms', '1000']).thinkMs, 1000);
  assert.throws(
    () => parseArgs(['--think-ms', '-1']),
    (error) => error.usage === true,
  );
});

test('--http chooses HTTP/2 (default) or HTTP/1.1 for the origins; nothing else', () => {
  assert.equal(parseArgs(['--http', '1.1']).http, '1.1');
  assert.throws(
    () => parseArgs(['--http', '3']),
    (error) => error.usage === true,
  );
});
