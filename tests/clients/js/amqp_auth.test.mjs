// AMQP logins and permissions through the local auth plugin, as amqplib sees them: PLAIN and
// AMQPLAIN against the users file's password hashes, 403 for a wrong password, and a policy's
// Deny of sqs:SendMessage closing the publishing channel with 403 ACCESS_REFUSED. Runs under
// tests/clients/auth/with_secure_sluiced.sh (users and passwords are its fixtures).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';

const port = process.env.SLUICE_AMQP_PORT;
const urlFor = (user, password) =>
  `amqp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/%2F`;
const unique = () => `js-auth-${randomUUID().slice(0, 12)}`;

const open = [];
async function connect(user, password, options = {}) {
  const conn = await amqp.connect(urlFor(user, password), options);
  conn.on('error', () => {});
  open.push(conn);
  return conn;
}
after(async () => {
  for (const conn of open) await conn.close().catch(() => {});
});

test('PLAIN: a user of the auth plugin logs in and round-trips a message', async () => {
  const conn = await connect('alice', 'alice-amqp-password');
  const ch = await conn.createChannel();
  const q = unique();
  await ch.assertQueue(q);
  ch.sendToQueue(q, Buffer.from('via amqplib'));
  let msg = false;
  for (let i = 0; i < 50 && !msg; i++) {
    msg = await ch.get(q, { noAck: true });
    if (!msg) await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(msg, 'the message came back');
  assert.equal(msg.content.toString(), 'via amqplib');
  await ch.deleteQueue(q);
});

test('AMQPLAIN: the same user and password log in', async () => {
  const credentials = amqp.credentials.amqplain('alice', 'alice-amqp-password');
  const conn = await amqp.connect(`amqp://127.0.0.1:${port}/%2F`, { credentials });
  open.push(conn);
  const ch = await conn.createChannel();
  await ch.assertQueue('', { exclusive: true });
});

test('a wrong password is refused with 403 ACCESS_REFUSED', async () => {
  await assert.rejects(amqp.connect(urlFor('alice', 'wrong')), (err) => {
    assert.match(String(err.message), /403|ACCESS_REFUSED/);
    return true;
  });
});

test('a policy that denies sqs:SendMessage closes the publishing channel with 403', async () => {
  const owner = await connect('alice', 'alice-amqp-password');
  const q = unique();
  await (await owner.createChannel()).assertQueue(q);

  const reader = await connect('reader', 'reader-amqp-password');
  const ch = await reader.createConfirmChannel();
  const closed = new Promise((resolve) => ch.once('error', resolve));
  ch.sendToQueue(q, Buffer.from('denied'));
  const err = await closed;
  assert.equal(err.code, 403);
  assert.match(err.message, /ACCESS_REFUSED/);

  // The connection stays usable, and receiving is still allowed.
  const other = await reader.createChannel();
  assert.equal(await other.get(q, { noAck: true }), false);
  await (await owner.createChannel()).deleteQueue(q);
});
