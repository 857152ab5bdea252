// SQS front end, JSON 1.0 protocol, driven by @aws-sdk/client-sqs (which verifies MD5OfBody on
// receive and MD5OfMessageBody on send, and needs x-amzn-query-error on every error).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as S from '@aws-sdk/client-sqs';

import { endpoint, sqs, unique, send, newQueue, arnOf } from './sqs_client.mjs';

async function expectError(promise, name, code) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.name, name, `${err.name}: ${err.message}`);
    if (code) assert.equal(err.Code ?? err.$response?.headers?.['x-amzn-query-error']?.split(';')[0], code);
    return true;
  });
}


test('create, get url, list, attributes, delete', async () => {
  const name = unique();
  const { QueueUrl } = await send(S.CreateQueueCommand, { QueueName: name, Attributes: { VisibilityTimeout: '40' } });
  assert.equal(QueueUrl, `${endpoint}/000000000000/${name}`);
  assert.equal((await send(S.GetQueueUrlCommand, { QueueName: name })).QueueUrl, QueueUrl);
  const listed = await send(S.ListQueuesCommand, { QueueNamePrefix: name });
  assert.deepEqual(listed.QueueUrls, [QueueUrl]);
  const attrs = await send(S.GetQueueAttributesCommand, { QueueUrl, AttributeNames: ['All'] });
  assert.equal(attrs.Attributes.VisibilityTimeout, '40');
  assert.equal(attrs.Attributes.DelaySeconds, '0');
  await send(S.SetQueueAttributesCommand, { QueueUrl, Attributes: { DelaySeconds: '2' } });
  const after = await send(S.GetQueueAttributesCommand, { QueueUrl, AttributeNames: ['DelaySeconds'] });
  assert.deepEqual(after.Attributes, { DelaySeconds: '2' });
  await send(S.DeleteQueueCommand, { QueueUrl });
  await expectError(send(S.GetQueueUrlCommand, { QueueName: name }), 'QueueDoesNotExist');
});

test('queue errors carry the modeled exception types', async () => {
  const name = unique();
  await send(S.CreateQueueCommand, { QueueName: name, Attributes: { DelaySeconds: '1' } });
  await expectError(send(S.CreateQueueCommand, { QueueName: name, Attributes: { DelaySeconds: '2' } }), 'QueueNameExists');
  await expectError(send(S.CreateQueueCommand, { QueueName: 'bad name' }), 'InvalidParameterValue');
  await expectError(send(S.CreateQueueCommand, { QueueName: unique(), Attributes: { Nope: '1' } }), 'InvalidAttributeName');
  await expectError(send(S.CreateQueueCommand, { QueueName: unique(), Attributes: { DelaySeconds: '901' } }), 'InvalidAttributeValue');
  await expectError(send(S.ListQueuesCommand, { MaxResults: 0 }), 'InvalidParameterValue');
});

test('list queues pages with NextToken', async () => {
  const prefix = unique('page');
  const urls = [];
  for (let i = 0; i < 3; i++) urls.push((await send(S.CreateQueueCommand, { QueueName: `${prefix}-${i}` })).QueueUrl);
  const first = await send(S.ListQueuesCommand, { QueueNamePrefix: prefix, MaxResults: 2 });
  assert.equal(first.QueueUrls.length, 2);
  const second = await send(S.ListQueuesCommand, { QueueNamePrefix: prefix, MaxResults: 2, NextToken: first.NextToken });
  assert.deepEqual([...first.QueueUrls, ...second.QueueUrls].sort(), urls.sort());
});

test('send, receive and delete with MD5 checks on', async () => {
  const QueueUrl = await newQueue();
  const sent = await send(S.SendMessageCommand, {
    QueueUrl, MessageBody: 'hello',
    MessageAttributes: {
      city: { DataType: 'String', StringValue: 'Paris' },
      count: { DataType: 'Number', StringValue: '42' },
      blob: { DataType: 'Binary', BinaryValue: Uint8Array.from([0, 255]) },
    },
  });
  assert.equal(sent.MD5OfMessageBody, '5d41402abc4b2a76b9719d911017c592');
  assert.equal(sent.MD5OfMessageAttributes, '19751fd942123fac5eb9de20f9407dfd');
  const got = await send(S.ReceiveMessageCommand, {
    QueueUrl, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'],
  });
  const m = got.Messages[0];
  assert.equal(m.Body, 'hello');
  assert.equal(m.MessageId, sent.MessageId);
  assert.deepEqual([...m.MessageAttributes.blob.BinaryValue], [0, 255]);
  assert.equal(m.Attributes.ApproximateReceiveCount, '1');
  await send(S.DeleteMessageCommand, { QueueUrl, ReceiptHandle: m.ReceiptHandle });
  assert.equal((await send(S.ReceiveMessageCommand, { QueueUrl })).Messages, undefined);
});

test('unicode and carriage returns keep their MD5', async () => {
  const QueueUrl = await newQueue();
  const body = 'a\r\nb <x> & "q" ünï 😀';
  await send(S.SendMessageCommand, { QueueUrl, MessageBody: body });
  const m = (await send(S.ReceiveMessageCommand, { QueueUrl })).Messages[0];
  assert.equal(m.Body, body);
  assert.equal(m.MD5OfBody, createHash('md5').update(body, 'utf8').digest('hex'));
});

test('message validation errors', async () => {
  const QueueUrl = await newQueue('v', { MaximumMessageSize: 1024 });
  await expectError(send(S.SendMessageCommand, { QueueUrl, MessageBody: 'a\u0001' }), 'InvalidMessageContents');
  await expectError(send(S.SendMessageCommand, { QueueUrl, MessageBody: 'x'.repeat(1025) }), 'InvalidParameterValue');
  await expectError(send(S.SendMessageCommand, { QueueUrl, MessageBody: 'x', DelaySeconds: 901 }), 'InvalidParameterValue');
  await expectError(send(S.ReceiveMessageCommand, { QueueUrl, MaxNumberOfMessages: 11 }), 'InvalidParameterValue');
  await expectError(send(S.ReceiveMessageCommand, { QueueUrl, WaitTimeSeconds: 21 }), 'InvalidParameterValue');
  await expectError(send(S.DeleteMessageCommand, { QueueUrl, ReceiptHandle: 'forged' }), 'ReceiptHandleIsInvalid');
  await expectError(send(S.SendMessageCommand, { QueueUrl: `${endpoint}/000000000000/${unique('none')}`, MessageBody: 'x' }), 'QueueDoesNotExist');
});

test('batches report partial failures', async () => {
  const QueueUrl = await newQueue();
  const sent = await send(S.SendMessageBatchCommand, {
    QueueUrl, Entries: [
      { Id: 'a', MessageBody: 'one' },
      { Id: 'b', MessageBody: 'two', DelaySeconds: 901 },
    ],
  });
  assert.deepEqual(sent.Successful.map((e) => e.Id), ['a']);
  assert.equal(sent.Failed[0].Id, 'b');
  assert.equal(sent.Failed[0].SenderFault, true);
  const msgs = (await send(S.ReceiveMessageCommand, { QueueUrl, MaxNumberOfMessages: 10 })).Messages;
  const changed = await send(S.ChangeMessageVisibilityBatchCommand, {
    QueueUrl, Entries: [
      { Id: 'x', ReceiptHandle: msgs[0].ReceiptHandle, VisibilityTimeout: 0 },
      { Id: 'y', ReceiptHandle: 'garbage', VisibilityTimeout: 0 },
    ],
  });
  assert.deepEqual(changed.Successful.map((e) => e.Id), ['x']);
  assert.equal(changed.Failed[0].Code, 'ReceiptHandleIsInvalid');
  const again = (await send(S.ReceiveMessageCommand, { QueueUrl })).Messages[0];
  const deleted = await send(S.DeleteMessageBatchCommand, {
    QueueUrl, Entries: [{ Id: 'd', ReceiptHandle: again.ReceiptHandle }],
  });
  assert.deepEqual(deleted.Successful, [{ Id: 'd' }]);
  await expectError(send(S.SendMessageBatchCommand, { QueueUrl, Entries: [] }), 'EmptyBatchRequest');
  await expectError(send(S.SendMessageBatchCommand, {
    QueueUrl, Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' })),
  }), 'TooManyEntriesInBatchRequest');
  await expectError(send(S.DeleteMessageBatchCommand, {
    QueueUrl, Entries: [{ Id: 'same', ReceiptHandle: 'r' }, { Id: 'same', ReceiptHandle: 'r' }],
  }), 'BatchEntryIdsNotDistinct');
  await expectError(send(S.SendMessageBatchCommand, { QueueUrl, Entries: [{ Id: 'no spaces', MessageBody: 'x' }] }), 'InvalidBatchEntryId');
});

test('visibility change makes a message visible again', async () => {
  const QueueUrl = await newQueue();
  await send(S.SendMessageCommand, { QueueUrl, MessageBody: 'v' });
  const m = (await send(S.ReceiveMessageCommand, { QueueUrl })).Messages[0];
  await send(S.ChangeMessageVisibilityCommand, { QueueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 });
  const again = (await send(S.ReceiveMessageCommand, { QueueUrl, MessageSystemAttributeNames: ['ApproximateReceiveCount'] })).Messages[0];
  assert.equal(again.Attributes.ApproximateReceiveCount, '2');
  await expectError(send(S.ChangeMessageVisibilityCommand, { QueueUrl, ReceiptHandle: again.ReceiptHandle, VisibilityTimeout: 43201 }), 'InvalidParameterValue');
});

// The issue asks for an answer within 100 ms of the send. The figure is printed (node --test
// shows it as a diagnostic) and asserted only with a wide margin, so a loaded CI machine cannot
// make the test flaky; the note of record quotes the printed figures.
test('long poll answers within a moment of a send', async (t) => {
  const QueueUrl = await newQueue();
  const start = Date.now();
  const waiting = send(S.ReceiveMessageCommand, { QueueUrl, WaitTimeSeconds: 10 });
  await new Promise((r) => setTimeout(r, 300));
  const sentAt = performance.now();
  const sending = send(S.SendMessageCommand, { QueueUrl, MessageBody: 'wake' });
  const got = await waiting;
  const latency = performance.now() - sentAt;
  await sending;
  assert.equal(got.Messages[0].Body, 'wake');
  t.diagnostic(`long poll answered ${latency.toFixed(1)} ms after the send was issued`);
  assert.ok(latency < 1000, `answered ${latency} ms after the send`);
  assert.ok(Date.now() - start < 5000);
});

test('purge, tags, permissions', async () => {
  const QueueUrl = await newQueue();
  await send(S.SendMessageCommand, { QueueUrl, MessageBody: 'x' });
  await send(S.PurgeQueueCommand, { QueueUrl });
  await expectError(send(S.PurgeQueueCommand, { QueueUrl }), 'PurgeQueueInProgress');
  await send(S.TagQueueCommand, { QueueUrl, Tags: { a: '1', b: '2' } });
  await send(S.UntagQueueCommand, { QueueUrl, TagKeys: ['a'] });
  assert.deepEqual((await send(S.ListQueueTagsCommand, { QueueUrl })).Tags, { b: '2' });
  await send(S.AddPermissionCommand, { QueueUrl, Label: 'L', AWSAccountIds: ['111122223333'], Actions: ['ReceiveMessage'] });
  const policy = (await send(S.GetQueueAttributesCommand, { QueueUrl, AttributeNames: ['Policy'] })).Attributes.Policy;
  assert.match(policy, /"Sid":\s*"L"/);
  await send(S.RemovePermissionCommand, { QueueUrl, Label: 'L' });
});

test('dead-letter queue, source listing and a message move task back', async () => {
  const dlq = await newQueue('dlq');
  const dlqArn = await arnOf(dlq);
  const src = await newQueue('src', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) });
  assert.deepEqual((await send(S.ListDeadLetterSourceQueuesCommand, { QueueUrl: dlq })).queueUrls, [src]);
  await send(S.SendMessageCommand, { QueueUrl: src, MessageBody: 'poison' });
  await send(S.ReceiveMessageCommand, { QueueUrl: src, VisibilityTimeout: 0 });
  assert.equal((await send(S.ReceiveMessageCommand, { QueueUrl: src })).Messages, undefined);
  const inDlq = await send(S.GetQueueAttributesCommand, { QueueUrl: dlq, AttributeNames: ['ApproximateNumberOfMessages'] });
  assert.equal(inDlq.Attributes.ApproximateNumberOfMessages, '1');

  const { TaskHandle } = await send(S.StartMessageMoveTaskCommand, { SourceArn: dlqArn });
  assert.ok(TaskHandle);
  let status;
  for (let i = 0; i < 50; i++) {
    const { Results } = await send(S.ListMessageMoveTasksCommand, { SourceArn: dlqArn });
    status = Results[0].Status;
    if (status === 'COMPLETED') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(status, 'COMPLETED');
  const back = (await send(S.ReceiveMessageCommand, { QueueUrl: src })).Messages[0];
  assert.equal(back.Body, 'poison');
  await expectError(send(S.CancelMessageMoveTaskCommand, { TaskHandle: 'nope' }), 'ResourceNotFoundException');
  await expectError(send(S.StartMessageMoveTaskCommand, { SourceArn: await arnOf(src) }), 'InvalidParameterValue');
});

test('FIFO ordering, groups, dedup and sequence numbers', async () => {
  const QueueUrl = await newQueue('f', {}, true);
  const a = await send(S.SendMessageCommand, { QueueUrl, MessageBody: '1', MessageGroupId: 'g', MessageDeduplicationId: 'd1' });
  const dup = await send(S.SendMessageCommand, { QueueUrl, MessageBody: '1', MessageGroupId: 'g', MessageDeduplicationId: 'd1' });
  assert.equal(dup.MessageId, a.MessageId);
  const b = await send(S.SendMessageCommand, { QueueUrl, MessageBody: '2', MessageGroupId: 'g', MessageDeduplicationId: 'd2' });
  assert.ok(BigInt(b.SequenceNumber) > BigInt(a.SequenceNumber));
  const got = (await send(S.ReceiveMessageCommand, { QueueUrl, MaxNumberOfMessages: 10 })).Messages;
  assert.deepEqual(got.map((m) => m.Body), ['1', '2']);
  await expectError(send(S.SendMessageCommand, { QueueUrl, MessageBody: 'x' }), 'MissingParameter');
});

test('unknown operation gets a JSON error', async () => {
  const res = await fetch(endpoint + '/', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AmazonSQS.Frobnicate' },
    body: '{}',
  });
  assert.equal(res.status, 400);
  assert.match((await res.json()).__type, /UnknownOperation/);
  const bad = await fetch(endpoint + '/', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AmazonSQS.ListQueues' },
    body: '{not json',
  });
  assert.equal(bad.status, 400);
  assert.match(bad.headers.get('x-amzn-query-error'), /;Sender$/);
});
