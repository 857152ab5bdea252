// SigV4 authentication and IAM-style authorization through @aws-sdk/client-sqs (JSON 1.0), run
// by tests/clients/auth/with_secure_sluiced.sh: sluiced with the local auth plugin, users alice
// (everything), reader (everything but SendMessage) and bob (another account). Each refusal is
// checked as the SDK reports it: exception name (from __type), query code (x-amzn-query-error)
// and HTTP status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as S from '@aws-sdk/client-sqs';

const endpoint = process.env.SLUICE_SQS_ENDPOINT;
const ALICE = { accessKeyId: 'AKIDALICE0000000001', secretAccessKey: 'alice/Secret+Key/0000000000000000000001' };
const READER = { accessKeyId: 'AKIDREADER000000001', secretAccessKey: 'reader-secret-0000000000000000000000001' };
const BOB = { accessKeyId: 'AKIDBOB000000000001', secretAccessKey: 'bob-secret-000000000000000000000000001' };

const client = (credentials, extra = {}) =>
  new S.SQSClient({ region: 'us-east-1', endpoint, credentials, maxAttempts: 1, ...extra });
const alice = client(ALICE);
const unique = (p = 'js-auth') => `${p}-${randomUUID().slice(0, 12)}`;
const newQueue = async () =>
  (await alice.send(new S.CreateQueueCommand({ QueueName: unique() }))).QueueUrl;

async function expectError(promise, name, status) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.name, name, `${err.name}: ${err.message}`);
    assert.equal(err.Code, name, `query code of ${name}`);
    assert.equal(err.$metadata.httpStatusCode, status, `HTTP status of ${name}`);
    return true;
  });
}

test('the right key works, and SenderId is the user', async () => {
  const QueueUrl = await newQueue();
  await alice.send(new S.SendMessageCommand({ QueueUrl, MessageBody: 'hello' }));
  const { Messages } = await alice.send(new S.ReceiveMessageCommand({
    QueueUrl, MessageSystemAttributeNames: ['SenderId'],
  }));
  assert.equal(Messages[0].Body, 'hello');
  assert.equal(Messages[0].Attributes.SenderId, 'alice');
});

test('a wrong secret does not match', async () => {
  const wrong = client({ ...ALICE, secretAccessKey: 'not-alices-secret-0000000' });
  await expectError(wrong.send(new S.ListQueuesCommand({})), 'SignatureDoesNotMatch', 403);
});

test('an unknown key is an invalid client token', async () => {
  const unknown = client({ ...ALICE, accessKeyId: 'AKIDNOBODY000000001' });
  await expectError(unknown.send(new S.ListQueuesCommand({})), 'InvalidClientTokenId', 403);
});

test('a client clock 20 minutes off has expired', async () => {
  const late = client(ALICE, { systemClockOffset: -20 * 60 * 1000 });
  await expectError(late.send(new S.ListQueuesCommand({})), 'RequestExpired', 400);
});

test('a policy that denies SendMessage gets AccessDenied', async () => {
  const QueueUrl = await newQueue();
  const reader = client(READER);
  await expectError(reader.send(new S.SendMessageCommand({ QueueUrl, MessageBody: 'x' })),
    'AccessDenied', 403);
  await reader.send(new S.ReceiveMessageCommand({ QueueUrl }));  // not denied
});

test('another account needs a grant in the queue policy', async () => {
  const QueueUrl = await newQueue();
  const bob = client(BOB);
  await expectError(bob.send(new S.SendMessageCommand({ QueueUrl, MessageBody: 'x' })),
    'AccessDenied', 403);
  await alice.send(new S.AddPermissionCommand({
    QueueUrl, Label: 'bob', AWSAccountIds: ['111111111111'], Actions: ['SendMessage'],
  }));
  await bob.send(new S.SendMessageCommand({ QueueUrl, MessageBody: 'granted' }));
});
