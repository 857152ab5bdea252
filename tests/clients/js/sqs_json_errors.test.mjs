// SQS front end, JSON 1.0 protocol: the error paths of every action and the less common
// features, through @aws-sdk/client-sqs (MD5 checks on). Each error is checked three ways: the
// exception class the SDK picks from __type, the legacy code it reads from x-amzn-query-error, and
// the HTTP status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as S from '@aws-sdk/client-sqs';

import { endpoint, sqs, unique, send, newQueue, arnOf } from './sqs_client.mjs';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// name: the SDK's exception name (the JSON shape); code: the query code the SDK reads from
// x-amzn-query-error (defaults to the name); status: the HTTP status (default 400).
async function expectError(promise, name, { code = name, status = 400 } = {}) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.name, name, `${err.name}: ${err.message}`);
    assert.equal(err.Code, code, `query code of ${name}`);
    assert.equal(err.Type, 'Sender');
    assert.equal(err.$metadata.httpStatusCode, status, `HTTP status of ${name}`);
    return true;
  });
}

test('every queue-addressed action on a missing queue is QueueDoesNotExist', async () => {
  const QueueUrl = `${endpoint}/000000000000/${unique('gone')}`;
  const calls = [
    [S.DeleteQueueCommand, {}],
    [S.GetQueueAttributesCommand, { AttributeNames: ['All'] }],
    [S.SetQueueAttributesCommand, { Attributes: { DelaySeconds: '1' } }],
    [S.PurgeQueueCommand, {}],
    [S.TagQueueCommand, { Tags: { a: 'b' } }],
    [S.UntagQueueCommand, { TagKeys: ['a'] }],
    [S.ListQueueTagsCommand, {}],
    [S.ListDeadLetterSourceQueuesCommand, {}],
    [S.AddPermissionCommand, { Label: 'l', AWSAccountIds: ['111122223333'], Actions: ['SendMessage'] }],
    [S.RemovePermissionCommand, { Label: 'l' }],
    [S.SendMessageCommand, { MessageBody: 'x' }],
    [S.SendMessageBatchCommand, { Entries: [{ Id: 'a', MessageBody: 'x' }] }],
    [S.ReceiveMessageCommand, {}],
    [S.DeleteMessageCommand, { ReceiptHandle: 'r' }],
    [S.DeleteMessageBatchCommand, { Entries: [{ Id: 'a', ReceiptHandle: 'r' }] }],
    [S.ChangeMessageVisibilityCommand, { ReceiptHandle: 'r', VisibilityTimeout: 1 }],
    [S.ChangeMessageVisibilityBatchCommand, { Entries: [{ Id: 'a', ReceiptHandle: 'r', VisibilityTimeout: 1 }] }],
  ];
  for (const [Command, input] of calls) {
    await expectError(send(Command, { QueueUrl, ...input }), 'QueueDoesNotExist',
      { code: 'AWS.SimpleQueueService.NonExistentQueue' });
  }
});

test('queue addressing errors', async () => {
  await expectError(send(S.GetQueueAttributesCommand, { QueueUrl: `${endpoint}/`, AttributeNames: ['All'] }),
    'InvalidAddress', { status: 404 });
  const name = unique();
  const { QueueUrl } = await send(S.CreateQueueCommand, { QueueName: name });
  assert.equal((await send(S.GetQueueUrlCommand, { QueueName: name, QueueOwnerAWSAccountId: '000000000000' })).QueueUrl, QueueUrl);
  await expectError(send(S.GetQueueUrlCommand, { QueueName: name, QueueOwnerAWSAccountId: '111122223333' }),
    'QueueDoesNotExist', { code: 'AWS.SimpleQueueService.NonExistentQueue' });
  // A bare queue name is accepted where a URL is expected, as AWS does.
  await send(S.SendMessageCommand, { QueueUrl: name, MessageBody: 'bare' });
  await send(S.DeleteQueueCommand, { QueueUrl });
  await expectError(send(S.DeleteQueueCommand, { QueueUrl }), 'QueueDoesNotExist',
    { code: 'AWS.SimpleQueueService.NonExistentQueue' });
  await expectError(send(S.CreateQueueCommand, { QueueName: name }), 'QueueDeletedRecently',
    { code: 'AWS.SimpleQueueService.QueueDeletedRecently' });
  await expectError(send(S.ListQueuesCommand, { MaxResults: 1001 }), 'InvalidParameterValue');
  await expectError(send(S.CreateQueueCommand, { QueueName: 'x'.repeat(81) }), 'InvalidParameterValue');
  await expectError(send(S.CreateQueueCommand, { QueueName: unique() + '.fifo' }), 'InvalidParameterValue');
});

test('create is idempotent for the attributes it names, and reports a clash', async () => {
  const name = unique();
  const { QueueUrl } = await send(S.CreateQueueCommand, { QueueName: name, Attributes: { VisibilityTimeout: '40' }, tags: { t: '1' } });
  assert.equal((await send(S.CreateQueueCommand, { QueueName: name })).QueueUrl, QueueUrl);
  assert.deepEqual((await send(S.ListQueueTagsCommand, { QueueUrl })).Tags, { t: '1' });
  await expectError(send(S.CreateQueueCommand, { QueueName: name, Attributes: { VisibilityTimeout: '41' } }),
    'QueueNameExists', { code: 'QueueAlreadyExists' });
});

test('attribute names that do not apply are InvalidAttributeName', async () => {
  const QueueUrl = await newQueue();
  await expectError(send(S.GetQueueAttributesCommand, { QueueUrl, AttributeNames: ['Nope'] }), 'InvalidAttributeName');
  await expectError(send(S.SetQueueAttributesCommand, { QueueUrl, Attributes: { QueueArn: 'x' } }), 'InvalidAttributeName');
  await expectError(send(S.SetQueueAttributesCommand, { QueueUrl, Attributes: { ContentBasedDeduplication: 'true' } }), 'InvalidAttributeName');
  await expectError(send(S.CreateQueueCommand, { QueueName: unique(), Attributes: { FifoQueue: 'false' } }), 'InvalidAttributeName');
  await expectError(send(S.SetQueueAttributesCommand, { QueueUrl, Attributes: { MaximumMessageSize: '1023' } }), 'InvalidAttributeValue');
  assert.equal((await send(S.GetQueueAttributesCommand, { QueueUrl })).Attributes, undefined);
});

test('FIFO, encryption and policy attributes', async () => {
  const fifo = await newQueue('f', {}, true);
  const f = (await send(S.GetQueueAttributesCommand, { QueueUrl: fifo, AttributeNames: ['All'] })).Attributes;
  assert.equal(f.FifoQueue, 'true');
  assert.equal(f.DeduplicationScope, 'queue');
  assert.equal(f.FifoThroughputLimit, 'perQueue');
  await expectError(send(S.SetQueueAttributesCommand, { QueueUrl: fifo, Attributes: { FifoThroughputLimit: 'perMessageGroupId' } }), 'InvalidAttributeValue');

  const kms = await newQueue('k', { KmsMasterKeyId: 'alias/aws/sqs' });
  const k = (await send(S.GetQueueAttributesCommand, { QueueUrl: kms, AttributeNames: ['All'] })).Attributes;
  assert.equal(k.KmsMasterKeyId, 'alias/aws/sqs');
  assert.equal(k.SqsManagedSseEnabled, 'false');
  await expectError(send(S.CreateQueueCommand, { QueueName: unique(), Attributes: { KmsMasterKeyId: 'k', SqsManagedSseEnabled: 'true' } }), 'InvalidAttributeValue');

  const QueueUrl = await newQueue();
  const Policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: '*' }] });
  await send(S.SetQueueAttributesCommand, { QueueUrl, Attributes: { Policy } });
  assert.ok((await send(S.GetQueueAttributesCommand, { QueueUrl, AttributeNames: ['Policy'] })).Attributes.Policy);
  await send(S.SetQueueAttributesCommand, { QueueUrl, Attributes: { Policy: '' } });
  assert.equal((await send(S.GetQueueAttributesCommand, { QueueUrl, AttributeNames: ['Policy'] })).Attributes, undefined);
  await expectError(send(S.SetQueueAttributesCommand, { QueueUrl, Attributes: { Policy: '{' } }), 'InvalidAttributeValue');
});

test('redrive policy errors and dead-letter source paging', async () => {
  const redrive = (arn) => ({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 2 }) });
  await expectError(newQueue('s', redrive(`arn:aws:sqs:us-east-1:000000000000:${unique('none')}`)), 'InvalidParameterValue');
  await expectError(newQueue('s', redrive(await arnOf(await newQueue('f', {}, true)))), 'InvalidParameterValue');
  const closed = await newQueue('closed', { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'denyAll' }) });
  await expectError(newQueue('s', redrive(await arnOf(closed))), 'InvalidParameterValue');

  const dlq = await newQueue('dlq');
  const sources = [];
  for (let i = 0; i < 3; i++) sources.push(await newQueue('src', redrive(await arnOf(dlq))));
  const first = await send(S.ListDeadLetterSourceQueuesCommand, { QueueUrl: dlq, MaxResults: 2 });
  assert.equal(first.queueUrls.length, 2);
  const rest = await send(S.ListDeadLetterSourceQueuesCommand, { QueueUrl: dlq, MaxResults: 2, NextToken: first.NextToken });
  assert.deepEqual([...first.queueUrls, ...rest.queueUrls].sort(), sources.sort());
  assert.equal(rest.NextToken, undefined);
  assert.deepEqual((await send(S.ListDeadLetterSourceQueuesCommand, { QueueUrl: closed })).queueUrls, []);
});

test('tag and permission errors', async () => {
  const QueueUrl = await newQueue();
  await expectError(send(S.TagQueueCommand, { QueueUrl, Tags: {} }), 'MissingParameter');
  await expectError(send(S.UntagQueueCommand, { QueueUrl, TagKeys: [] }), 'InvalidParameterValue');
  await expectError(send(S.TagQueueCommand, { QueueUrl, Tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }), 'InvalidParameterValue');
  assert.equal((await send(S.ListQueueTagsCommand, { QueueUrl })).Tags, undefined);
  const grant = (Label, Actions) => send(S.AddPermissionCommand, { QueueUrl, Label, AWSAccountIds: ['111122223333'], Actions });
  await expectError(grant('many', Array(8).fill('SendMessage')), 'OverLimit', { status: 403 });
  await expectError(grant('owner', ['DeleteQueue']), 'InvalidParameterValue');
  await grant('L', ['SendMessage']);
  await expectError(grant('L', ['SendMessage']), 'InvalidParameterValue');
  await send(S.RemovePermissionCommand, { QueueUrl, Label: 'L' });
  await expectError(send(S.RemovePermissionCommand, { QueueUrl, Label: 'L' }), 'InvalidParameterValue');
  await send(S.PurgeQueueCommand, { QueueUrl });
  await expectError(send(S.PurgeQueueCommand, { QueueUrl }), 'PurgeQueueInProgress',
    { code: 'AWS.SimpleQueueService.PurgeQueueInProgress', status: 403 });
});

test('message attribute and system attribute rules', async () => {
  const QueueUrl = await newQueue();
  const string = { DataType: 'String', StringValue: 'v' };
  const bad = [
    Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, string])),
    { 'AWS.reserved': string }, { '.dot': string },
    { a: { DataType: 'String', StringValue: '' } },
    { a: { DataType: 'Number', StringValue: 'not a number' } },
    { a: { DataType: 'Blob', StringValue: '1' } },
  ];
  for (const MessageAttributes of bad) {
    await expectError(send(S.SendMessageCommand, { QueueUrl, MessageBody: 'x', MessageAttributes }), 'InvalidParameterValue');
  }
  await expectError(send(S.SendMessageCommand, { QueueUrl, MessageBody: 'x', MessageAttributes: { a: { DataType: 'String', StringValue: '\u0002' } } }), 'InvalidMessageContents');
  await expectError(send(S.SendMessageCommand, { QueueUrl, MessageBody: 'x', MessageSystemAttributes: { Other: string } }), 'InvalidParameterValue');

  const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
  const attrs = { n: { DataType: 'Number.int', StringValue: '7' }, b: { DataType: 'Binary.gif', BinaryValue: Buffer.from('GIF') } };
  const sent = await send(S.SendMessageCommand, {
    QueueUrl, MessageBody: 'x', MessageAttributes: attrs,
    MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: trace } },
  });
  assert.equal(sent.MD5OfMessageSystemAttributes, '5ae4d5d7636402d80f4eb6d213245a88');
  const m = (await send(S.ReceiveMessageCommand, {
    QueueUrl, MessageAttributeNames: ['n'], MessageSystemAttributeNames: ['AWSTraceHeader', 'SenderId'],
  })).Messages[0];
  assert.deepEqual(Object.keys(m.MessageAttributes), ['n']);
  assert.equal(m.MessageAttributes.n.DataType, 'Number.int');
  assert.equal(m.Attributes.AWSTraceHeader, trace);
  assert.ok(m.Attributes.SenderId);
  assert.equal(m.Attributes.SentTimestamp, undefined);
});

test('standard queues refuse deduplication ids and keep group ids', async () => {
  const QueueUrl = await newQueue();
  await expectError(send(S.SendMessageCommand, { QueueUrl, MessageBody: 'x', MessageDeduplicationId: 'd' }), 'InvalidParameterValue');
  await send(S.SendMessageCommand, { QueueUrl, MessageBody: 'x', MessageGroupId: 'tenant-1' });
  const m = (await send(S.ReceiveMessageCommand, { QueueUrl, AttributeNames: ['MessageGroupId'] })).Messages[0];
  assert.deepEqual(m.Attributes, { MessageGroupId: 'tenant-1' });
});

test('parameter ranges', async () => {
  const QueueUrl = await newQueue();
  for (const input of [{ MaxNumberOfMessages: 0 }, { VisibilityTimeout: 43201 }, { VisibilityTimeout: -1 }, { WaitTimeSeconds: -1 }]) {
    await expectError(send(S.ReceiveMessageCommand, { QueueUrl, ...input }), 'InvalidParameterValue');
  }
  await expectError(send(S.SendMessageCommand, { QueueUrl, MessageBody: 'x', DelaySeconds: -1 }), 'InvalidParameterValue');
  await expectError(send(S.SendMessageCommand, { QueueUrl, MessageBody: '' }), 'MissingParameter');
});

test('receipt handles: not in flight, superseded, foreign, deleted twice', async () => {
  const QueueUrl = await newQueue();
  await send(S.SendMessageCommand, { QueueUrl, MessageBody: 'x' });
  const old = (await send(S.ReceiveMessageCommand, { QueueUrl, VisibilityTimeout: 0 })).Messages[0].ReceiptHandle;
  await expectError(send(S.ChangeMessageVisibilityCommand, { QueueUrl, ReceiptHandle: old, VisibilityTimeout: 5 }),
    'MessageNotInflight', { code: 'AWS.SimpleQueueService.MessageNotInflight' });
  const batch = await send(S.ChangeMessageVisibilityBatchCommand, { QueueUrl, Entries: [{ Id: 'a', ReceiptHandle: old, VisibilityTimeout: 5 }] });
  assert.equal(batch.Failed[0].Code, 'AWS.SimpleQueueService.MessageNotInflight');
  assert.deepEqual(batch.Successful, []);
  const current = (await send(S.ReceiveMessageCommand, { QueueUrl })).Messages[0].ReceiptHandle;
  await expectError(send(S.DeleteMessageCommand, { QueueUrl, ReceiptHandle: old }), 'ReceiptHandleIsInvalid', { status: 404 });
  await expectError(send(S.DeleteMessageCommand, { QueueUrl: await newQueue(), ReceiptHandle: current }), 'ReceiptHandleIsInvalid', { status: 404 });
  await send(S.DeleteMessageCommand, { QueueUrl, ReceiptHandle: current });
  await send(S.DeleteMessageCommand, { QueueUrl, ReceiptHandle: current });
});

test('batch entries fail one by one; batch shape errors', async () => {
  const QueueUrl = await newQueue('b', { MaximumMessageSize: 1024 });
  const sent = await send(S.SendMessageBatchCommand, {
    QueueUrl, Entries: [
      { Id: 'big', MessageBody: 'x'.repeat(1025) }, { Id: 'empty', MessageBody: '' },
      { Id: 'bad', MessageBody: '\u0001' }, { Id: 'ok', MessageBody: 'fine' },
    ],
  });
  assert.deepEqual(sent.Successful.map((e) => e.Id), ['ok']);
  assert.deepEqual(Object.fromEntries(sent.Failed.map((e) => [e.Id, e.Code])),
    { big: 'InvalidParameterValue', empty: 'MissingParameter', bad: 'InvalidMessageContents' });
  const deleted = await send(S.DeleteMessageBatchCommand, { QueueUrl, Entries: [{ Id: 'a', ReceiptHandle: 'forged' }] });
  assert.equal(deleted.Failed[0].Code, 'ReceiptHandleIsInvalid');
  assert.deepEqual(deleted.Successful, []);

  const big = await newQueue();
  await expectError(send(S.SendMessageBatchCommand, {
    QueueUrl: big, Entries: Array.from({ length: 6 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x'.repeat(200000) })),
  }), 'BatchRequestTooLong', { code: 'AWS.SimpleQueueService.BatchRequestTooLong' });
  await expectError(send(S.DeleteMessageBatchCommand, { QueueUrl, Entries: [] }), 'EmptyBatchRequest', { code: 'AWS.SimpleQueueService.EmptyBatchRequest' });
  await expectError(send(S.ChangeMessageVisibilityBatchCommand, { QueueUrl, Entries: [] }), 'EmptyBatchRequest', { code: 'AWS.SimpleQueueService.EmptyBatchRequest' });
  await expectError(send(S.ChangeMessageVisibilityBatchCommand, {
    QueueUrl, Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, ReceiptHandle: 'r', VisibilityTimeout: 1 })),
  }), 'TooManyEntriesInBatchRequest', { code: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest' });
  await expectError(send(S.DeleteMessageBatchCommand, { QueueUrl, Entries: [{ Id: 'x'.repeat(81), ReceiptHandle: 'r' }] }),
    'InvalidBatchEntryId', { code: 'AWS.SimpleQueueService.InvalidBatchEntryId' });
  await expectError(send(S.SendMessageBatchCommand, { QueueUrl, Entries: [{ Id: 'a', MessageBody: 'x' }, { Id: 'a', MessageBody: 'y' }] }),
    'BatchEntryIdsNotDistinct', { code: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct' });
});

test('the in-flight limit is OverLimit on a short poll only', async () => {
  // The test daemon runs with in_flight_limit = 100 (with_sluiced.sh).
  const QueueUrl = await newQueue();
  for (let b = 0; b < 10; b++) {
    await send(S.SendMessageBatchCommand, { QueueUrl, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: `${b}-${i}` })) });
  }
  await send(S.SendMessageCommand, { QueueUrl, MessageBody: 'one too many' });
  for (let i = 0; i < 10; i++) {
    assert.equal((await send(S.ReceiveMessageCommand, { QueueUrl, MaxNumberOfMessages: 10 })).Messages.length, 10);
  }
  await expectError(send(S.ReceiveMessageCommand, { QueueUrl }), 'OverLimit', { status: 403 });
  assert.equal((await send(S.ReceiveMessageCommand, { QueueUrl, WaitTimeSeconds: 1 })).Messages, undefined);
});

test('a request body over the server limit is an SQS error in JSON', async () => {
  const QueueUrl = await newQueue();
  const body = 'x'.repeat(7 * 1024 * 1024);
  await expectError(send(S.SendMessageCommand, { QueueUrl, MessageBody: body }), 'InvalidParameterValue', { status: 413 });
  await expectError(send(S.SendMessageBatchCommand, { QueueUrl, Entries: [{ Id: 'a', MessageBody: body }] }),
    'BatchRequestTooLong', { code: 'AWS.SimpleQueueService.BatchRequestTooLong', status: 413 });
  assert.ok((await send(S.GetQueueAttributesCommand, { QueueUrl, AttributeNames: ['QueueArn'] })).Attributes.QueueArn);
});

test('FIFO: content-based dedup, attempt ids, group and dedup id rules', async () => {
  const QueueUrl = await newQueue('f', { ContentBasedDeduplication: 'true' }, true);
  const first = await send(S.SendMessageCommand, { QueueUrl, MessageBody: 'hello', MessageGroupId: 'g' });
  const again = await send(S.SendMessageCommand, { QueueUrl, MessageBody: 'hello', MessageGroupId: 'g' });
  assert.equal(again.MessageId, first.MessageId);
  await send(S.SendMessageCommand, { QueueUrl, MessageBody: 'second', MessageGroupId: 'g' });
  const got = await send(S.ReceiveMessageCommand, { QueueUrl, MaxNumberOfMessages: 10, ReceiveRequestAttemptId: 'try-1', MessageSystemAttributeNames: ['All'] });
  assert.deepEqual(got.Messages.map((m) => m.Body), ['hello', 'second']);
  assert.equal(got.Messages[0].Attributes.MessageDeduplicationId, createHash('sha256').update('hello').digest('hex'));
  assert.equal(got.Messages[0].Attributes.SequenceNumber, first.SequenceNumber);
  const retry = await send(S.ReceiveMessageCommand, { QueueUrl, MaxNumberOfMessages: 10, ReceiveRequestAttemptId: 'try-1' });
  assert.deepEqual(retry.Messages.map((m) => m.ReceiptHandle), got.Messages.map((m) => m.ReceiptHandle));
  assert.equal((await send(S.ReceiveMessageCommand, { QueueUrl, ReceiveRequestAttemptId: 'try-2' })).Messages, undefined);
  await expectError(send(S.ReceiveMessageCommand, { QueueUrl, ReceiveRequestAttemptId: 'no spaces' }), 'InvalidParameterValue');
  await expectError(send(S.SendMessageCommand, { QueueUrl, MessageBody: 'x', MessageGroupId: 'has space' }), 'InvalidParameterValue');
  await expectError(send(S.SendMessageCommand, { QueueUrl, MessageBody: 'x', MessageGroupId: 'g', DelaySeconds: 5 }), 'InvalidParameterValue');
  const batch = await send(S.SendMessageBatchCommand, { QueueUrl, Entries: [{ Id: 'nogroup', MessageBody: 'x' }, { Id: 'ok', MessageBody: 'y', MessageGroupId: 'h' }] });
  assert.equal(batch.Failed[0].Code, 'MissingParameter');
  assert.ok(batch.Successful[0].SequenceNumber);
  const plain = await newQueue('f', {}, true);
  await expectError(send(S.SendMessageCommand, { QueueUrl: plain, MessageBody: 'x', MessageGroupId: 'g' }), 'InvalidParameterValue');
});

test('message move tasks: one running per source, cancel, list, errors', async () => {
  const dlq = await newQueue('dlq');
  const SourceArn = await arnOf(dlq);
  const src = await newQueue('src', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: SourceArn, maxReceiveCount: 3 }) });
  const DestinationArn = await arnOf(src);
  await send(S.SendMessageBatchCommand, { QueueUrl: dlq, Entries: Array.from({ length: 5 }, (_, i) => ({ Id: `e${i}`, MessageBody: `m${i}` })) });
  const { TaskHandle } = await send(S.StartMessageMoveTaskCommand, { SourceArn, DestinationArn, MaxNumberOfMessagesPerSecond: 1 });
  await expectError(send(S.StartMessageMoveTaskCommand, { SourceArn }), 'UnsupportedOperation',
    { code: 'AWS.SimpleQueueService.UnsupportedOperation' });
  const [running] = (await send(S.ListMessageMoveTasksCommand, { SourceArn })).Results;
  assert.equal(running.Status, 'RUNNING');
  assert.equal(running.TaskHandle, TaskHandle);
  assert.equal(running.DestinationArn, DestinationArn);
  assert.equal(running.MaxNumberOfMessagesPerSecond, 1);
  assert.equal(running.ApproximateNumberOfMessagesToMove, 5);
  assert.ok(running.StartedTimestamp > Date.now() - 60000);
  const cancelled = await send(S.CancelMessageMoveTaskCommand, { TaskHandle });
  assert.ok(cancelled.ApproximateNumberOfMessagesMoved < 5);
  let status;
  for (let i = 0; i < 50 && status !== 'CANCELLED'; i++) {
    status = (await send(S.ListMessageMoveTasksCommand, { SourceArn, MaxResults: 10 })).Results[0].Status;
    if (status !== 'CANCELLED') await sleep(100);
  }
  assert.equal(status, 'CANCELLED');
  await expectError(send(S.ListMessageMoveTasksCommand, { SourceArn, MaxResults: 11 }), 'InvalidParameterValue');
  const missing = `arn:aws:sqs:us-east-1:000000000000:${unique('none')}`;
  await expectError(send(S.StartMessageMoveTaskCommand, { SourceArn: missing }), 'ResourceNotFoundException', { status: 404 });
  await expectError(send(S.CancelMessageMoveTaskCommand, { TaskHandle: 'nope' }), 'ResourceNotFoundException', { status: 404 });
});

test('long polling by default through ReceiveMessageWaitTimeSeconds', async () => {
  const QueueUrl = await newQueue('lp', { ReceiveMessageWaitTimeSeconds: 1 });
  const start = Date.now();
  assert.equal((await send(S.ReceiveMessageCommand, { QueueUrl })).Messages, undefined);
  assert.ok(Date.now() - start >= 900, 'the queue default made it wait');
  const quick = Date.now();
  await send(S.ReceiveMessageCommand, { QueueUrl, WaitTimeSeconds: 0 });
  assert.ok(Date.now() - quick < 900, 'an explicit 0 is a short poll');
});

test('every reply carries a request id', async () => {
  const ok = await send(S.ListQueuesCommand, { QueueNamePrefix: unique('none') });
  assert.match(ok.$metadata.requestId, /^[0-9a-f-]{36}$/);
  await assert.rejects(send(S.GetQueueUrlCommand, { QueueName: unique('none') }), (err) => {
    assert.match(err.$metadata.requestId, /^[0-9a-f-]{36}$/);
    return true;
  });
});

test('protocol errors no SDK can produce (raw HTTP)', async () => {
  const post = (headers, body) => fetch(endpoint + '/', { method: 'POST', headers, body });
  const noTarget = await post({ 'Content-Type': 'application/x-amz-json-1.0' }, '{}');
  assert.equal(noTarget.status, 400);
  assert.equal(noTarget.headers.get('x-amzn-query-error'), 'UnknownOperationException;Sender');
  assert.match((await noTarget.json()).__type, /#UnknownOperationException$/);
  const notObject = await post({ 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AmazonSQS.ListQueues' }, '[1]');
  assert.equal(notObject.status, 400);
  assert.equal(notObject.headers.get('x-amzn-query-error'), 'SerializationException;Sender');
  const wrongType = await post({ 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AmazonSQS.ReceiveMessage' },
    JSON.stringify({ QueueUrl: await newQueue(), MaxNumberOfMessages: 'many' }));
  assert.equal(wrongType.status, 400);
  assert.equal(wrongType.headers.get('x-amzn-query-error'), 'InvalidParameterValue;Sender');
});
