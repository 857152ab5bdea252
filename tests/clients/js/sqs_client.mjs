// The client setup both JSON-protocol test files share: one SQSClient against the daemon that
// with_sluiced.sh started (SLUICE_SQS_ENDPOINT), retries off, and small queue helpers.
import { randomUUID } from 'node:crypto';
import * as S from '@aws-sdk/client-sqs';

export const endpoint = process.env.SLUICE_SQS_ENDPOINT;
export const sqs = new S.SQSClient({
  region: 'us-east-1',
  endpoint,
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  maxAttempts: 1,
});
export const unique = (p = 'q') => `${p}-${randomUUID().slice(0, 12)}`;
export const send = (Command, input) => sqs.send(new Command(input));

export async function newQueue(prefix = 'q', attrs = {}, fifo = false) {
  const Attributes = Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, String(v)]));
  if (fifo) Attributes.FifoQueue = 'true';
  const { QueueUrl } = await send(S.CreateQueueCommand, {
    QueueName: unique(prefix) + (fifo ? '.fifo' : ''), Attributes,
  });
  return QueueUrl;
}

export const arnOf = async (url) =>
  (await send(S.GetQueueAttributesCommand, { QueueUrl: url, AttributeNames: ['QueueArn'] }))
    .Attributes.QueueArn;
