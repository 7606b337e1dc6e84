// The real-network bench's delay model (scripts/bench/net-model.mjs), from issue 16's definition:
// a new connection costs 2 RTT (TCP + TLS) before its first request, every request 1 RTT plus the
// server's own time. The bench itself is not part of npm test; its pure parts are.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  answerDelayMs,
  CONNECTION_SETUP_RTTS,
  criticalPathMs,
  linkModel,
  parseRtts,
  playlistSummary,
  wireDelta,
} from '../../scripts/bench/net-model.mjs';

test('a link: 2 RTT to set a connection up, 1 RTT per request', () => {
  assert.equal(CONNECTION_SETUP_RTTS, 2);
  assert.deepEqual(linkModel(50), { rttMs: 50, connectionSetupMs: 100, requestMs: 50 });
  assert.deepEqual(linkModel(0), { rttMs: 0, connectionSetupMs: 0, requestMs: 0 });
  assert.throws(() => linkModel(-1), RangeError);
  assert.throws(() => linkModel(Number.NaN), RangeError);
});

test("an answer starts one RTT plus the server's time after the request arrives", () => {
  assert.equal(answerDelayMs(linkModel(20), 30), 50);
  assert.equal(answerDelayMs(linkModel(150), 0), 150);
  assert.equal(answerDelayMs(linkModel(150), -5), 150);
});

test('the critical path: a cold origin costs 3 RTT plus server time, a warm one 1 RTT plus server time', () => {
  const link = linkModel(50);
  // Token on a cold origin (60 ms server), then the license on a warm one (30 ms server).
  assert.equal(
    criticalPathMs(link, [
      { newConnection: true, serverMs: 60 },
      { newConnection: false, serverMs: 30 },
    ]),
    100 + 50 + 60 + 50 + 30,
  );
  assert.equal(criticalPathMs(link, []), 0);
});

test('--rtt parsing', () => {
  assert.deepEqual(parseRtts('20,50,150'), [20, 50, 150]);
  assert.deepEqual(parseRtts(' 80 '), [80]);
  assert.throws(() => parseRtts(''), RangeError);
  assert.throws(() => parseRtts('20,fast'), RangeError);
  assert.throws(() => parseRtts('-5'), RangeError);
});

test('the zapping summary: mean of titles 2…n against title 1', () => {
  assert.deepEqual(playlistSummary([400, 100, 200, 100, 200]), { first: 400, restMean: 150, ratio: 0.375 });
  assert.deepEqual(playlistSummary([300]), { first: 300, restMean: null, ratio: null });
  assert.deepEqual(playlistSummary([]), { first: null, restMean: null, ratio: null });
});

test('what a variant adds on the wire against a baseline, per origin', () => {
  const keyflow = {
    content: { requests: 7, connections: 1 },
    token: { requests: 1, connections: 1 },
    license: { requests: 1, connections: 2 },
  };
  const shaka = {
    content: { requests: 7, connections: 1 },
    token: { requests: 1, connections: 1 },
    license: { requests: 1, connections: 1 },
  };
  assert.deepEqual(wireDelta(keyflow, shaka), {
    content: { requests: 0, connections: 0 },
    token: { requests: 0, connections: 0 },
    license: { requests: 0, connections: 1 },
  });
  assert.deepEqual(wireDelta({ token: { requests: 1, connections: 1 } }, {}), { token: { requests: 1, connections: 1 } });
});
