/**
 * The neutral events: the one event and response shape per trigger kind that a handler gets on
 * every cloud (docs/events.md has examples). Each driver makes its cloud's native event look like
 * these, through an entry adapter it adds to the function's artifact where the native event
 * differs (src/driver.ts PackagingHooks). A function with `events: native` gets the native event
 * instead, and no adapter.
 *
 * http is the API Gateway HTTP API payload format 2.0, trimmed to the fields every cloud can
 * fill: where a cloud already sends that payload, its adapter passes it through untouched. The
 * other kinds carry a `kind` field; an http event is the one with `requestContext.http`.
 *
 * Handlers are `async (event, context) => response`. `context` is the cloud's own invocation
 * context: it is not neutral, and portable handlers do not need it.
 */

/** An HTTP request (API Gateway HTTP API payload 2.0, trimmed). */
export interface HttpEvent {
  readonly version: '2.0';
  /** The route that matched, e.g. `GET /orders/{id}` (`$default` when none). */
  readonly routeKey: string;
  /** Request path, without the query string. */
  readonly rawPath: string;
  /** Query string without the `?` (`''` when none). */
  readonly rawQueryString: string;
  /** Header names lower case; repeated headers joined with `,`. */
  readonly headers: Readonly<Record<string, string>>;
  /** Absent when the request has no query string; repeated keys joined with `,`. */
  readonly queryStringParameters?: Readonly<Record<string, string>>;
  /** Values of the route's `{param}` segments; absent when the route has none. */
  readonly pathParameters?: Readonly<Record<string, string>>;
  /** The `cookie` header split into `name=value` strings; absent when none. */
  readonly cookies?: readonly string[];
  readonly requestContext: {
    readonly http: {
      /** Upper case. */
      readonly method: string;
      readonly path: string;
      readonly protocol: string;
      readonly sourceIp: string;
      readonly userAgent: string;
    };
    readonly requestId: string;
    /** Milliseconds since the epoch. */
    readonly timeEpoch: number;
  };
  /** The request body; base64 when `isBase64Encoded` (binary content types). Absent when empty. */
  readonly body?: string;
  readonly isBase64Encoded: boolean;
}

/**
 * The answer to an http event. Anything else a handler returns (a string, an object without
 * `statusCode`) is sent as status 200 with that value as the JSON body, as payload 2.0 does.
 */
export interface HttpResponse {
  readonly statusCode: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Set-Cookie values. */
  readonly cookies?: readonly string[];
  readonly body?: string;
  /** `body` is base64 of binary content. */
  readonly isBase64Encoded?: boolean;
}

/** One run of a schedule trigger. The return value is ignored; throwing marks the run failed. */
export interface ScheduleEvent {
  readonly kind: 'schedule';
  /** Unique per run. */
  readonly id: string;
  /** ISO 8601 UTC time the run was scheduled for. */
  readonly time: string;
}

/** A batch of at most the trigger's `batchSize` messages from one queue. */
export interface QueueEvent {
  readonly kind: 'queue';
  /** Queue name. */
  readonly queue: string;
  readonly messages: readonly QueueMessage[];
}

export interface QueueMessage {
  /** The id to list in QueueResponse.failed. */
  readonly id: string;
  /** The message body as sent (text; JSON is not parsed). */
  readonly body: string;
  /** Message attributes as strings (binary ones base64). */
  readonly attributes: Readonly<Record<string, string>>;
  /** How many times this message was delivered, this delivery included (1 the first time). */
  readonly receiveCount: number;
  /** ISO 8601 UTC time the message was sent. */
  readonly sentAt: string;
}

/**
 * The answer to a queue batch. Messages listed in `failed` are delivered again later; the others
 * are done. Returning nothing means every message is done; throwing means the whole batch is
 * delivered again.
 */
export interface QueueResponse {
  readonly failed?: readonly string[];
}

/** One object created in or deleted from a bucket (the handler is called once per object). */
export interface StorageEvent {
  readonly kind: 'storage';
  readonly type: 'created' | 'deleted';
  readonly bucket: string;
  /** The object's key, decoded (`photos/my cat.jpg`). */
  readonly key: string;
  /** Bytes; absent for deletions. */
  readonly size?: number;
  readonly etag?: string;
  /** ISO 8601 UTC time of the change. */
  readonly time: string;
}

/** One message published to a topic (the handler is called once per message). */
export interface TopicEvent {
  readonly kind: 'topic';
  /** Topic name. */
  readonly topic: string;
  readonly id: string;
  /** The message as published (text; JSON is not parsed). */
  readonly body: string;
  readonly subject?: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** ISO 8601 UTC time the message was published. */
  readonly time: string;
}

/**
 * A batch of at most the trigger's `batchSize` records of one data-change stream: a DynamoDB
 * table's stream or a Kinesis data stream, in stream order.
 */
export interface StreamEvent {
  readonly kind: 'stream';
  readonly source: 'dynamodb' | 'kinesis';
  /** The table's name (dynamodb) or the data stream's name (kinesis). */
  readonly stream: string;
  readonly records: readonly StreamRecord[];
}

export interface StreamRecord {
  /** The record's sequence number (unique within its shard): the id to list in StreamResponse.failed. */
  readonly sequenceNumber: string;
  /** ISO 8601 UTC time the record was written to the stream (approximate, as the cloud reports it). */
  readonly time: string;
  /** dynamodb: what happened to the item. */
  readonly eventName?: 'INSERT' | 'MODIFY' | 'REMOVE';
  /**
   * dynamodb: the item's key attributes, and the item after (`newImage`) and before (`oldImage`)
   * the change when the table's stream view type includes them; plain JSON (DynamoDB's typed
   * attribute values unmarshalled: numbers as numbers, or as strings when a JavaScript number
   * would change them; binary as base64; sets as arrays).
   */
  readonly keys?: Readonly<Record<string, unknown>>;
  readonly newImage?: Readonly<Record<string, unknown>>;
  readonly oldImage?: Readonly<Record<string, unknown>>;
  /** kinesis: the partition key the record was put with. */
  readonly partitionKey?: string;
  /** kinesis: the record's data as UTF-8 text (JSON is not parsed). */
  readonly data?: string;
  /** kinesis: the record's data as sent, base64 (for binary data). */
  readonly dataBase64?: string;
}

/**
 * The answer to a stream batch. With sequence numbers in `failed`, the batch is retried from the
 * earliest of them (records before it are done); returning nothing means every record is done;
 * throwing means the whole batch is retried (split in two with `bisectOnError`) until it succeeds,
 * `maxRetries` or `maxAge` is reached, and then goes to `onFailure`.
 */
export interface StreamResponse {
  readonly failed?: readonly string[];
}

export type NeutralEvent = HttpEvent | ScheduleEvent | QueueEvent | StorageEvent | TopicEvent | StreamEvent;

/** What a function's handler receives: neutral events (default) or its cloud's native events. */
export type EventMode = 'neutral' | 'native';
