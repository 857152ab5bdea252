// AMQP channel and connection exceptions as amqplib reports them: the reply code and text of
// each refusal, and that a channel error leaves the connection usable.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';

const url = `amqp://guest:guest@${process.env.SLUICE_AMQP_HOST}:${process.env.SLUICE_AMQP_PORT}/%2F`;
const unique = (p = 'js') => `${p}-${randomUUID().slice(0, 12)}`;

const open = [];
async function channel() {
  const conn = await amqp.connect(url);
  conn.on('error', () => {});
  open.push(conn);
  const ch = await conn.createChannel();
  ch.on('error', () => {});
  return { conn, ch };
}
after(async () => {
  for (const conn of open) await conn.close().catch(() => {});
});

// The channel's close, with its code and text, whichever way amqplib surfaces it.
function closeOf(ch) {
  return new Promise((resolve) => ch.once('error', resolve));
}

test('a missing queue is 404 and the connection stays usable', async () => {
  const { conn, ch } = await channel();
  await assert.rejects(ch.checkQueue(unique()), (err) => err.code === 404);
  const again = await conn.createChannel();
  await again.assertQueue('', { exclusive: true });
});

test('an unknown delivery tag is 406', async () => {
  const { ch } = await channel();
  const closed = closeOf(ch);
  ch.ack({ fields: { deliveryTag: 42 } });
  const err = await closed;
  assert.equal(err.code, 406);
  assert.match(err.message, /unknown delivery tag 42/);
});

test('an exclusive queue of another connection is 405', async () => {
  const { ch } = await channel();
  const q = (await ch.assertQueue(unique(), { exclusive: true })).queue;
  const { ch: other } = await channel();
  await assert.rejects(other.checkQueue(q), (err) => err.code === 405);
});

test('redeclaring with another TTL is 406 naming the argument', async () => {
  const { ch } = await channel();
  const q = (await ch.assertQueue(unique(), { messageTtl: 120000 })).queue;
  await assert.rejects(ch.assertQueue(q, { messageTtl: 180000 }),
    (err) => err.code === 406 && /x-message-ttl/.test(err.message));
  const { ch: cleanup } = await channel();
  await cleanup.deleteQueue(q);
});

test('an argument Sluice cannot honour yet closes the connection with 540', async () => {
  const { conn, ch } = await channel();
  const closed = new Promise((resolve) => conn.once('error', resolve));
  await assert.rejects(ch.assertQueue(unique(), { maxLength: 10 }));
  const err = await closed;
  assert.equal(err.code, 540);
  assert.match(err.message, /x-max-length/);
});

test('declaring an exchange is not implemented yet: 540 with the reason', async () => {
  const { conn, ch } = await channel();
  const closed = new Promise((resolve) => conn.once('error', resolve));
  await assert.rejects(ch.assertExchange('logs', 'fanout'));
  const err = await closed;
  assert.equal(err.code, 540);
  assert.match(err.message, /default exchange/);
});

test('an exclusive consumer keeps others out with 403', async () => {
  const { ch } = await channel();
  const q = (await ch.assertQueue(unique())).queue;
  await ch.consume(q, () => {}, { exclusive: true });
  const { ch: other } = await channel();
  await assert.rejects(other.consume(q, () => {}), (err) => err.code === 403);
  await ch.deleteQueue(q);
});
