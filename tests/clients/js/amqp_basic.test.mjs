// AMQP 0-9-1 through amqplib (npm, pinned by package-lock.json) against the daemon that
// tests/clients/amqp/with_sluiced_amqp.sh started: login mechanisms, queues, publishing,
// consuming, prefetch, confirms, returns, properties and large bodies.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import amqp from 'amqplib';

const host = process.env.SLUICE_AMQP_HOST;
const port = Number(process.env.SLUICE_AMQP_PORT);
const url = (user = 'guest', pass = 'guest', extra = '') =>
  `amqp://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@${host}:${port}/%2F${extra}`;
const unique = (p = 'js') => `${p}-${randomUUID().slice(0, 12)}`;

const open = [];
async function connect(target = url(), options = {}) {
  const conn = await amqp.connect(target, options);
  conn.on('error', () => {});  // tests look at the errors they expect
  open.push(conn);
  return conn;
}
after(async () => {
  for (const conn of open) await conn.close().catch(() => {});
});

async function until(predicate, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate() && Date.now() < deadline) await sleep(20);
  assert.ok(predicate(), 'condition not reached in time');
}

async function getOne(ch, queue, options = {}) {
  for (let i = 0; i < 500; i++) {
    const msg = await ch.get(queue, options);
    if (msg) return msg;
    await sleep(20);
  }
  return false;
}

test('PLAIN login with the guest account', async () => {
  const conn = await connect();
  assert.ok(conn.connection.serverProperties.capabilities.publisher_confirms);
});

test('AMQPLAIN login with a configured user', async () => {
  const conn = await connect(`amqp://${host}:${port}/%2F`, {
    credentials: amqp.credentials.amqplain('alice', 'wonder land:1'),
  });
  const ch = await conn.createChannel();
  assert.ok((await ch.assertQueue('', { exclusive: true })).queue.startsWith('amq_gen-'));
});

test('a wrong password is refused with 403 and the reason', async () => {
  await assert.rejects(amqp.connect(url('alice', 'nope')), (err) => {
    assert.match(err.message, /403/);
    assert.match(err.message, /ACCESS_REFUSED/);
    return true;
  });
});

test('properties and a binary body come back exactly', async () => {
  const ch = await (await connect()).createChannel();
  const q = (await ch.assertQueue(unique())).queue;
  const body = Buffer.from([0, 1, 2, 255, 254, 27, 10]);
  const props = {
    contentType: 'application/octet-stream', contentEncoding: 'identity',
    headers: { str: 'v', int: 7, big: 2 ** 40, neg: -3, yes: true, list: [1, 'a'], nested: { k: 'v' }, nul: null },
    deliveryMode: 2, priority: 3, correlationId: 'c-1', replyTo: 'replies', expiration: '600000',
    messageId: 'm-1', timestamp: 1700000000, type: 'kind', userId: 'guest', appId: 'js-tests',
  };
  ch.sendToQueue(q, body, props);
  const msg = await getOne(ch, q, { noAck: true });
  assert.deepEqual(msg.content, body);
  for (const [k, v] of Object.entries(props)) assert.deepEqual(msg.properties[k], v, k);
  assert.equal(msg.fields.routingKey, q);
  assert.equal(msg.fields.exchange, '');
  await ch.deleteQueue(q);
});

test('a body larger than the frame size crosses in several frames both ways', async () => {
  const conn = await connect(url('guest', 'guest', '?frameMax=4096'));
  const ch = await conn.createChannel();
  const q = (await ch.assertQueue(unique())).queue;
  const body = Buffer.alloc(50000, 'z');
  ch.sendToQueue(q, body);
  assert.deepEqual((await getOne(ch, q, { noAck: true })).content, body);
  await ch.deleteQueue(q);
});

test('the server names consumers that do not name themselves', async () => {
  const ch = await (await connect()).createChannel();
  const q = (await ch.assertQueue('', { exclusive: true })).queue;
  const { consumerTag } = await ch.consume(q, () => {});
  assert.match(consumerTag, /^amq\.ctag-/);
});

test('prefetch limits unacknowledged deliveries and acks reopen the window', async () => {
  const ch = await (await connect()).createChannel();
  const q = (await ch.assertQueue(unique())).queue;
  for (let i = 0; i < 6; i++) ch.sendToQueue(q, Buffer.from(String(i)));
  await ch.prefetch(2);
  const got = [];
  await ch.consume(q, (msg) => got.push(msg));
  await until(() => got.length >= 2);
  await sleep(300);
  assert.equal(got.length, 2);
  ch.ack(got[1], true);  // multiple: both
  await until(() => got.length >= 4);
  await sleep(300);
  assert.equal(got.length, 4);
  assert.deepEqual(got.map((m) => m.content.toString()), ['0', '1', '2', '3']);
  await ch.deleteQueue(q);
});

test('nack with requeue redelivers with the redelivered flag', async () => {
  const ch = await (await connect()).createChannel();
  const q = (await ch.assertQueue(unique())).queue;
  ch.sendToQueue(q, Buffer.from('again'));
  const first = await getOne(ch, q);
  assert.equal(first.fields.redelivered, false);
  ch.nack(first, false, true);
  const second = await getOne(ch, q);
  assert.equal(second.fields.redelivered, true);
  ch.ack(second);
  await ch.deleteQueue(q);
});

test('a confirm channel confirms every publish', async () => {
  const ch = await (await connect()).createConfirmChannel();
  const q = (await ch.assertQueue(unique())).queue;
  const confirmed = [];
  for (let i = 0; i < 25; i++) {
    ch.sendToQueue(q, Buffer.from(String(i)), {}, (err) => confirmed.push(err));
  }
  await ch.waitForConfirms();
  assert.equal(confirmed.length, 25);
  assert.ok(confirmed.every((e) => e === null || e === undefined));
  assert.equal((await ch.checkQueue(q)).messageCount, 25);
  await ch.deleteQueue(q);
});

test('an unroutable mandatory message comes back as basic.return', async () => {
  const ch = await (await connect()).createConfirmChannel();
  const returned = new Promise((resolve) => ch.on('return', resolve));
  ch.publish('', unique('missing'), Buffer.from('lost'), { mandatory: true });
  const msg = await returned;
  assert.equal(msg.fields.replyCode, 312);
  assert.equal(msg.fields.replyText, 'NO_ROUTE');
  assert.equal(msg.content.toString(), 'lost');
  await ch.waitForConfirms();
});

test('deleting a queue cancels its consumers and tells them', async () => {
  const conn = await connect();
  const ch = await conn.createChannel();
  const q = (await ch.assertQueue(unique())).queue;
  const cancelled = new Promise((resolve) => ch.consume(q, (msg) => { if (msg === null) resolve(true); }));
  const other = await conn.createChannel();
  await other.deleteQueue(q);
  assert.equal(await cancelled, true);
});

test('purge and delete report message counts', async () => {
  const ch = await (await connect()).createChannel();
  const q = (await ch.assertQueue(unique())).queue;
  for (let i = 0; i < 3; i++) ch.sendToQueue(q, Buffer.from('x'));
  assert.equal((await ch.purgeQueue(q)).messageCount, 3);
  ch.sendToQueue(q, Buffer.from('y'));
  assert.equal((await ch.deleteQueue(q)).messageCount, 1);
});

test('publishes pipelined behind a declare are routed to the new queue', async () => {
  const ch = await (await connect()).createChannel();
  const q = unique();
  const declared = ch.assertQueue(q);  // not awaited: sendToQueue goes out right behind it
  ch.sendToQueue(q, Buffer.from('right behind'));
  await declared;
  assert.equal((await getOne(ch, q, { noAck: true })).content.toString(), 'right behind');
  await ch.deleteQueue(q);
});

test('heartbeats keep an idle connection open', async () => {
  const conn = await connect(url('guest', 'guest', '?heartbeat=1'));
  await sleep(3500);
  const ch = await conn.createChannel();
  await ch.assertQueue('', { exclusive: true });
});
