/**
 * Native AWS events as Lambda delivers them (shapes from the AWS Lambda developer guide's sample
 * events), for the entry adapter tests.
 */

/** API Gateway HTTP API, payload format 2.0 (what fnx's integrations use). */
export function apiGatewayV2(method: string, path: string, query: Record<string, string> = {}) {
  const rawQueryString = new URLSearchParams(query).toString();
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString,
    cookies: ['session=abc'],
    headers: { accept: '*/*', host: 'abc123.execute-api.us-east-1.amazonaws.com', 'user-agent': 'curl/8.5.0', 'x-forwarded-for': '203.0.113.7' },
    ...(rawQueryString ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '10/Mar/2026:12:00:00 +0000',
      timeEpoch: 1773144000000,
    },
    isBase64Encoded: false,
  };
}

function sqsRecord(messageId: string, body: string, receiveCount = 1) {
  return {
    messageId,
    receiptHandle: `AQEB${messageId}`,
    body,
    attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: '1773144000000', SenderId: 'AIDAIENQZJOLO23YVJ4VO', ApproximateFirstReceiveTimestamp: '1773144000100' },
    messageAttributes: { tenant: { stringValue: 'acme', stringListValues: [], binaryListValues: [], dataType: 'String' } },
    md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:svc-jobs',
    awsRegion: 'us-east-1',
  };
}

export function sqsBatch(...bodies: string[]) {
  return { Records: bodies.map((b, i) => sqsRecord(`059f36b4-87a3-44ab-83d2-66197154922${i}`, b, i + 1)) };
}

export function eventBridgeScheduled() {
  return {
    version: '0',
    id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time: '2026-03-10T12:15:00Z',
    region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:123456789012:rule/svc-dev-job-1a2b3c'],
    detail: {},
  };
}

export function s3Notification(eventName: string, key: string, size?: number) {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: '2026-03-10T12:00:00.000Z',
        eventName,
        userIdentity: { principalId: 'AWS:AIDAINPONIXQXHT3IKHL2' },
        requestParameters: { sourceIPAddress: '203.0.113.7' },
        responseElements: { 'x-amz-request-id': 'C3D13FE58DE4C810', 'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'fnx-svc-dev-files',
          bucket: { name: 'uploads', ownerIdentity: { principalId: 'A3NL1KOZZKExample' }, arn: 'arn:aws:s3:::uploads' },
          object: { key, ...(size !== undefined ? { size, eTag: 'd41d8cd98f00b204e9800998ecf8427e' } : {}), sequencer: '0055AED6DCD90281E5' },
        },
      },
    ],
  };
}

export function snsNotification() {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:events:c9135db0-26c4-47ec-8998-413945fb5a96',
        Sns: {
          Type: 'Notification',
          MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
          TopicArn: 'arn:aws:sns:us-east-1:123456789012:events',
          Subject: 'order placed',
          Message: '{"order":42}',
          Timestamp: '2026-03-10T12:00:00.000Z',
          SignatureVersion: '1',
          Signature: 'EXAMPLE',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem',
          UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
          MessageAttributes: { priority: { Type: 'String', Value: 'high' } },
        },
      },
    ],
  };
}

/** A DynamoDB Streams batch as Lambda delivers it (the AWS Lambda developer guide's example event, NEW_AND_OLD_IMAGES). */
export function dynamodbBatch() {
  return {
    Records: [
      {
        eventID: 'c4ca4238a0b923820dcc509a6f75849b',
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'us-east-1',
        dynamodb: {
          Keys: { Id: { N: '101' } },
          NewImage: { Message: { S: 'New item!' }, Id: { N: '101' }, Tags: { SS: ['a', 'b'] }, Price: { N: '12.5' }, Big: { N: '123456789012345678901234567890' }, Done: { BOOL: false }, Gone: { NULL: true }, Meta: { M: { Rank: { N: '2' }, Parts: { L: [{ S: 'x' }, { N: '3' }] } } } },
          ApproximateCreationDateTime: 1428537600,
          SequenceNumber: '4421584500000000017450439091',
          SizeBytes: 26,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
        eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/ExampleTableWithStream/stream/2015-06-27T00:48:05.899',
      },
      {
        eventID: 'c81e728d9d4c2f636f067f89cc14862c',
        eventName: 'MODIFY',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'us-east-1',
        dynamodb: {
          Keys: { Id: { N: '101' } },
          NewImage: { Message: { S: 'This item has changed' }, Id: { N: '101' } },
          OldImage: { Message: { S: 'New item!' }, Id: { N: '101' } },
          ApproximateCreationDateTime: 1428537600,
          SequenceNumber: '4421584500000000017450439092',
          SizeBytes: 59,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
        eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/ExampleTableWithStream/stream/2015-06-27T00:48:05.899',
      },
      {
        eventID: 'eccbc87e4b5ce2fe28308fd9f2a7baf3',
        eventName: 'REMOVE',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'us-east-1',
        dynamodb: {
          Keys: { Id: { N: '101' } },
          OldImage: { Message: { S: 'This item has changed' }, Id: { N: '101' } },
          ApproximateCreationDateTime: 1428537600,
          SequenceNumber: '4421584500000000017450439093',
          SizeBytes: 38,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
        eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/ExampleTableWithStream/stream/2015-06-27T00:48:05.899',
      },
    ],
  };
}

/** A Kinesis batch as Lambda delivers it (the AWS Lambda developer guide's example event). */
export function kinesisBatch() {
  const record = (data: string, sequenceNumber: string, approximateArrivalTimestamp: number) => ({
    kinesis: { kinesisSchemaVersion: '1.0', partitionKey: '1', sequenceNumber, data, approximateArrivalTimestamp },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000006:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/lambda-role',
    awsRegion: 'us-east-2',
    eventSourceARN: 'arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream',
  });
  return {
    Records: [
      record('SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==', '49590338271490256608559692538361571095921575989136588898', 1607497475.0),
      record('SGVsbG8gV29ybGQ=', '49590338271490256608559692540925702759324208523137515618', 1607497475.5),
    ],
  };
}
